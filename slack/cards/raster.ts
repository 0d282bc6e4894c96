// A small RGB pixel buffer with the few drawing operations the health chart needs (rectangles, lines, text),
// written out as a PNG by pngjs: pure JavaScript, so charts render in a Lambda or a test without a browser,
// a canvas or a native build. Everything is integer arithmetic on pixels: the same input gives the same bytes.

import { PNG } from 'pngjs';
import { textPixels } from './bitmap-font';

export type Rgb = readonly [number, number, number];

export class Raster {
  private readonly png: PNG;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb,
  ) {
    this.png = new PNG({ width, height, colorType: 2 });
    this.fillRect(0, 0, width, height, background);
  }

  /** Sets one pixel; one outside the picture is ignored. */
  set(x: number, y: number, [r, g, b]: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const at = (this.width * Math.floor(y) + Math.floor(x)) * 4;
    this.png.data[at] = r;
    this.png.data[at + 1] = g;
    this.png.data[at + 2] = b;
    this.png.data[at + 3] = 255;
  }

  fillRect(x: number, y: number, width: number, height: number, color: Rgb): void {
    const [x0, y0] = [Math.max(0, Math.round(x)), Math.max(0, Math.round(y))];
    const x1 = Math.min(this.width, Math.round(x + width));
    const y1 = Math.min(this.height, Math.round(y + height));
    for (let py = y0; py < y1; py += 1) for (let px = x0; px < x1; px += 1) this.set(px, py, color);
  }

  /** A straight line `thickness` pixels wide (Bresenham, each step a square brush). */
  line(from: [number, number], to: [number, number], color: Rgb, thickness = 1): void {
    let [x, y] = from.map(Math.round) as [number, number];
    const [tx, ty] = to.map(Math.round) as [number, number];
    const dx = Math.abs(tx - x);
    const dy = -Math.abs(ty - y);
    const sx = x < tx ? 1 : -1;
    const sy = y < ty ? 1 : -1;
    let err = dx + dy;
    const half = Math.floor(thickness / 2);
    for (;;) {
      this.fillRect(x - half, y - half, thickness, thickness, color);
      if (x === tx && y === ty) return;
      const twice = 2 * err;
      if (twice >= dy) {
        err += dy;
        x += sx;
      }
      if (twice <= dx) {
        err += dx;
        y += sy;
      }
    }
  }

  text(text: string, x: number, y: number, color: Rgb, scale = 1): void {
    for (const [px, py] of textPixels(text, scale)) this.set(Math.round(x) + px, Math.round(y) + py, color);
  }

  /** The picture as PNG bytes (RGB, no alpha). */
  toPng(): Buffer {
    return PNG.sync.write(this.png, { colorType: 2 });
  }
}
