import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { eventSchema } from "../../../core/groundmotion/event.ts";

const examples = new URL("../../../examples/events/", import.meta.url).pathname;

test("every example event validates, and the ShakeMap it names is beside it", () => {
  const folders = readdirSync(examples, { withFileTypes: true }).filter((e) => e.isDirectory());
  assert.ok(folders.length >= 2);
  for (const folder of folders) {
    const path = join(examples, folder.name, "event.json");
    const parsed = eventSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
    assert.ok(parsed.success, `${path}: ${parsed.error?.message}`);
    assert.equal(parsed.data.id, folder.name, "the folder is named after the event");
    if (parsed.data.shakemap) assert.ok(existsSync(join(examples, folder.name, parsed.data.shakemap)));
  }
  // Negative case: an unknown field is refused, not ignored.
  assert.equal(
    eventSchema.safeParse({ id: "x", magnitude: 6, hypocentre: { lon: 0, lat: 0 }, magnitdue: 7 }).success,
    false,
  );
});
