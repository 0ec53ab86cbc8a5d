package bench

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// Chart layout, pixels.
const (
	chartWidth  = 900
	chartLabelW = 300 // left column holding the bar labels
	chartValueW = 70  // right margin holding the seconds
	chartRowH   = 16  // one bar
	chartHeadH  = 24  // a panel heading
)

// chartColors maps a tool to its bar colour.
var chartColors = map[string]color.RGBA{
	ToolSluice:      {0x1f, 0x77, 0xb4, 0xff},
	ToolMydumper:    {0xff, 0x7f, 0x0e, 0xff},
	ToolMyloader:    {0xff, 0x7f, 0x0e, 0xff},
	ToolMariadbDump: {0x2c, 0xa0, 0x2c, 0xff},
	ToolMariadb:     {0x2c, 0xa0, 0x2c, 0xff},
	ToolLimit:       {0x7f, 0x7f, 0x7f, 0xff},
}

// chartPanel is one block of bars: one op on one dataset and profile.
type chartPanel struct {
	title string
	rows  []Result
}

// Chart draws the report as a PNG: for every profile and dataset, a panel of dump times and
// a panel of restore (load) times, one horizontal bar per tool, variant and thread count,
// labelled with its median seconds. Bars of a panel share one scale. Failed cases are drawn
// as a label with "FAILED".
func (rep *Report) Chart() ([]byte, error) {
	var panels []chartPanel
	for _, r := range rep.Results {
		title := fmt.Sprintf("%s  %s  %s (seconds, lower is better)", r.Profile, r.Dataset, map[string]string{OpDump: "dump", OpLoad: "restore"}[r.Op])
		i := len(panels) - 1
		for j := range panels {
			if panels[j].title == title {
				i = j
			}
		}
		if i < 0 || panels[i].title != title {
			panels = append(panels, chartPanel{title: title})
			i = len(panels) - 1
		}
		panels[i].rows = append(panels[i].rows, r)
	}
	height := 10
	for _, p := range panels {
		height += chartHeadH + len(p.rows)*chartRowH + 10
	}
	img := image.NewRGBA(image.Rect(0, 0, chartWidth, max(height, 40)))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	text := func(x, y int, s string) {
		d := font.Drawer{Dst: img, Src: image.Black, Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
		d.DrawString(s)
	}
	if len(panels) == 0 {
		text(10, 25, "no results")
	}
	y := 10
	for _, p := range panels {
		text(10, y+16, p.title)
		y += chartHeadH
		scale := 0.0
		for _, r := range p.rows {
			scale = max(scale, r.Seconds)
		}
		barMax := chartWidth - chartLabelW - chartValueW
		for _, r := range p.rows {
			text(10, y+12, r.Label())
			if r.Error != "" || scale <= 0 {
				text(chartLabelW, y+12, "FAILED")
				y += chartRowH
				continue
			}
			w := max(int(float64(barMax)*r.Seconds/scale), 1)
			c, ok := chartColors[r.Tool]
			if !ok {
				c = color.RGBA{0x99, 0x99, 0x99, 0xff}
			}
			draw.Draw(img, image.Rect(chartLabelW, y+2, chartLabelW+w, y+chartRowH-2), &image.Uniform{c}, image.Point{}, draw.Src)
			text(chartLabelW+w+4, y+12, fmt.Sprintf("%.2f", r.Seconds))
			y += chartRowH
		}
		y += 10
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
