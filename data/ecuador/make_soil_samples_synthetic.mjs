#!/usr/bin/env node
// Writes soil_samples_synthetic.csv: 80 SYNTHETIC soil samples (not measurements) on the extent of
// the Ecuador DEM (EPSG:32717), for the demo's kriging and stability-uncertainty steps.
//   node data/ecuador/make_soil_samples_synthetic.mjs > data/ecuador/soil_samples_synthetic.csv
// Values are smooth random fields (a sum of six plane waves with random directions, wavelengths of
// 1.5-4 km and phases, plus independent noise for the nugget), seeded, so the file is reproducible
// bit for bit. Ranges are those typical of shallow residual and colluvial soils in regional
// Newmark analyses: effective cohesion 5-25 kPa, effective friction angle 28-38 degrees.
const X0 = 711962.727; // DEM origin (upper-left corner), m
const Y0 = 9561011.76;
const WIDTH = 3830; // 383 cells of 10 m
const HEIGHT = 4150; // 415 cells of 10 m

// mulberry32, the generator core/ml/random.ts uses.
let state = 20160416;
function uniform() {
  state = (state + 0x6d2b79f5) | 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
function normal() {
  return Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

function field(waves) {
  const terms = Array.from({ length: waves }, () => {
    const wavelength = 1500 + 2500 * uniform();
    const direction = Math.PI * uniform();
    return {
      kx: Math.cos(direction) / wavelength,
      ky: Math.sin(direction) / wavelength,
      phase: 2 * Math.PI * uniform(),
    };
  });
  // Sum of unit cosines scaled to unit variance (each has variance 1/2).
  return (x, y) =>
    terms.reduce((sum, t) => sum + Math.cos(2 * Math.PI * (t.kx * x + t.ky * y) + t.phase), 0) /
    Math.sqrt(waves / 2);
}

const cohesionField = field(6);
const frictionField = field(6);
const clip = (value, low, high) => Math.min(high, Math.max(low, value));
const rows = ["x,y,cohesion_kpa,friction_angle_deg"];
for (let i = 0; i < 80; i++) {
  const x = X0 + WIDTH * uniform();
  const y = Y0 - HEIGHT * uniform();
  const cohesion = clip(14 + 4 * cohesionField(x - X0, Y0 - y) + 1 * normal(), 5, 25);
  const friction = clip(33 + 2 * frictionField(x - X0, Y0 - y) + 0.7 * normal(), 28, 38);
  rows.push(`${x.toFixed(2)},${y.toFixed(2)},${cohesion.toFixed(2)},${friction.toFixed(2)}`);
}
process.stdout.write(`${rows.join("\n")}\n`);
