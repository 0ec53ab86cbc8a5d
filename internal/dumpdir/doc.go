// Package dumpdir owns the format of a dump and where it lives: file names (mydumper
// conventions), the metadata file written last to mark the dump complete, and the atomic file
// writer (.partial then rename, 0600 files in a 0700 directory). ReadMetadata also reads the
// directories mydumper 0.9 to 1.0 writes (mydumper.go, local directories only), building the
// same Metadata from their metadata file and file names.
//
// A dump lives in a Dir: a local directory or a prefix of an object-store bucket
// (s3://BUCKET/PREFIX). Dir's methods (Prepare, Create, CreateData, WriteFile, Open, ReadFile,
// Verify, ReadMetadata, and Metadata.Save) are the one seam through which the dumper and the
// loader create, list, read and check files, so both work unchanged on either. Two drivers sit
// behind it:
//
//   - local disk (file.go, direct_*.go): data files written with O_DIRECT from a reused,
//     aligned 1 MiB buffer, fsynced and renamed by the dumper's background syncer;
//   - object stores through gocloud.dev/blob (object.go, object_s3.go): each file streams into
//     a multipart upload while it is written (5 MiB parts, one uploading while the next fills)
//     and exists under its name only once the upload completes; cancelling aborts it. S3 is
//     opened with the standard AWS configuration (AWS_* environment, shared files, roles), with
//     path-style addressing when AWS_ENDPOINT_URL points at an S3-compatible server such as
//     MinIO.
//
// A third Dir lives in memory, behind a Pipe (pipe.go, memstore.go): sluice copy's dumper
// writes into it and its loader reads each data file as soon as the pipe announces it whole,
// then removes it. Its store is a gocloud.dev/blob driver of its own holding objects in pooled
// fixed-size blocks, so a file's bytes are copied once and memory is that of the files in
// flight.
//
// gocloud.dev/blob was chosen over aws-sdk-go-v2/service/s3 used directly because its Writer is
// the contract a dump file needs (streamed, invisible until whole, aborted on cancel) without
// hand-written multipart bookkeeping, its errors have portable codes, and the same Bucket has
// drivers for Google Cloud Storage (gs://) and Azure Blob Storage (azblob://): another store is
// a driver linked into the binary, not a rewrite. Its S3 driver is aws-sdk-go-v2, so
// credentials, endpoints and retries (the SDK's standard retryer with backoff) are AWS's own.
// Only s3:// is linked and tested (against MinIO); OpenDir passes other schemes to the
// gocloud.dev driver registered for them, which a build adds with one blank import
// (gocloud.dev/blob/gcsblob, gocloud.dev/blob/azureblob): untested.
package dumpdir
