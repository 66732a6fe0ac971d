import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { readRaster } from "../../../core/raster/index.ts";
import { writeSyntheticFiles } from "../../fixtures/peml/synthetic.ts";
import { FIXTURES } from "./helpers.ts";

test("the committed synthetic fixtures are what test/fixtures/peml/synthetic.ts makes", async () => {
  const dir = mkdtempSync(join(tmpdir(), "quakeslide-peml-fixtures-"));
  try {
    await writeSyntheticFiles(dir);
    for (const csv of ["inventory-static.csv", "inventory-seismic.csv"])
      assert.equal(readFileSync(join(FIXTURES, csv), "utf8"), readFileSync(join(dir, csv), "utf8"), csv);
    for (const tif of ["covariates.tif", "pga.tif"]) {
      const committed = await readRaster(join(FIXTURES, tif));
      const fresh = await readRaster(join(dir, tif));
      assert.deepEqual(committed.bandNames, fresh.bandNames, tif);
      assert.deepEqual(committed.transform, fresh.transform, tif);
      for (const [b, band] of committed.bands.entries())
        assert.deepEqual(band, fresh.bands[b], `${tif} band ${b}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
