import assert from "node:assert/strict";
import { test } from "node:test";
import {
  errorFromName,
  errorKind,
  exitCodeOf,
  InputError,
  InternalError,
  LimitExceededError,
  NotFoundError,
  USER_ERROR_NAMES,
} from "../../core/errors.ts";

test("each class has its kind, and only internal failures exit 1", () => {
  const cases = [
    [new InputError("bad"), "input", 2],
    [new NotFoundError("gone"), "not-found", 2],
    [new LimitExceededError("too big"), "limit", 2],
    [new InternalError("bug"), "internal", 1],
    [new TypeError("bug"), "internal", 1],
    ["a string", "internal", 1],
  ] as const;
  for (const [error, kind, code] of cases) {
    assert.equal(errorKind(error), kind);
    assert.equal(exitCodeOf(error), code);
  }
});

test("an error that crossed a boundary as { name, message } comes back as the same class", () => {
  for (const original of [new InputError("a"), new NotFoundError("b"), new LimitExceededError("c")]) {
    const rebuilt = errorFromName(original.name, original.message);
    assert.equal(rebuilt.constructor, original.constructor);
    assert.equal(rebuilt.message, original.message);
  }
  assert.ok(errorFromName("RangeError", "x") instanceof InternalError);
  assert.ok(errorFromName(undefined, "x") instanceof InternalError);
});

test("the file is named once at the start of the message", () => {
  assert.equal(new InputError("is truncated", { file: "dem.tif" }).message, "dem.tif: is truncated");
  assert.equal(new InputError("dem.tif is truncated", { file: "dem.tif" }).message, "dem.tif is truncated");
});

test("the user error names are the classes' names (the state machines catch by name)", () => {
  assert.deepEqual(
    [...USER_ERROR_NAMES].sort(),
    [new InputError("").name, new LimitExceededError("").name, new NotFoundError("").name].sort(),
  );
});
