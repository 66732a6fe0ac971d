// Makes dem.tif, the synthetic hillside of the small campaign example and the campaign tests:
// 40 × 30 cells of 10 m in UTM 17S, a north-south ridge (60 m high, slopes up to ~33°) on a
// plane rising gently to the north. Run from the repository root:
//   node --import tsx examples/campaigns/small/make-dem.ts
import { writeCog } from "../../../core/raster/index.ts";

const [width, height, cell] = [40, 30, 10];
const [originX, originY] = [500_000, 9_800_300];
const elevation = new Float32Array(width * height);
for (let row = 0; row < height; row++) {
  for (let col = 0; col < width; col++) {
    const x = (col + 0.5) * cell;
    const y = (height - row - 0.5) * cell;
    elevation[row * width + col] = 100 + 0.2 * y + 60 * Math.exp(-(((x - 200) / 80) ** 2));
  }
}
await writeCog(new URL("dem.tif", import.meta.url).pathname, {
  width,
  height,
  transform: [originX, cell, 0, originY, 0, -cell],
  crs: { epsg: 32717, geographic: false },
  bands: [elevation],
  bandNames: ["elevation"],
  nodata: Number.NaN,
});
