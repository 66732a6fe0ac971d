import { existsSync } from "node:fs";
import type { z } from "zod";
import { InputError } from "../core/errors.ts";
import { DEFAULT_MEMORY_LIMIT_GB, MEMORY_LIMIT_ENV, MEMORY_LIMIT_FIELD } from "../core/limits.ts";
import { parseDecimal, parseOptionsWith } from "../core/options.ts";
import { type OptionSpec, parseOptions } from "./command.ts";

/**
 * The one boundary between a verb's command line and its step's zod schema. Each schema field is
 * the option `--kebab-case` of its name (`frictionAngle` is `--friction-angle`; `outDir` is
 * `--out`, the one exception, since every verb writes there); fields of a nested object are
 * options of their own (`forest.minNodeSize` is `--min-node-size`), and an optional nested object
 * is switched on by a flag named after it (`--tune` makes `tune`, `--tune-evals` fills it).
 * How a value is read follows the field's type: numbers are strict decimals, lists are
 * comma-separated, a number-or-path field takes a decimal as a number and anything else as a path.
 * Defaults stay in the schema; errors name the option the user typed.
 */

/** What a verb may say about one field (keyed by its dotted schema path). */
export interface FieldConfig {
  /** The option without dashes; default: the field's own name in kebab-case. */
  option?: string;
  /** A repeatable option (`--covariate A --covariate B`) instead of one comma-separated list. */
  repeat?: boolean;
  /** A flag that sets a boolean field to this value (`--without-replacement`: replace = false). */
  flagSets?: boolean;
  /** Not an option: the verb fills it itself. */
  hidden?: boolean;
  /** How the text is read, when the field's type does not say it (a path that may also be a number). */
  kind?: Kind;
  /** An environment variable that gives the value when the option is absent. */
  env?: string;
}

export interface VerbOptionsConfig {
  fields?: Record<string, FieldConfig>;
  /** Options of the verb alone, not of the step (e.g. `--json`); returned as `flags`. */
  extra?: OptionSpec;
}

export type Kind = "text" | "number" | "number-or-text" | "texts" | "numbers" | "flag";

interface Field {
  path: string[];
  option: string;
  kind: Kind;
  repeat: boolean;
  flagSets?: boolean;
  /** Neither optional nor defaulted, at the top level. */
  required: boolean;
  /** The flag that creates the optional object this field belongs to. */
  group?: string;
  defaultValue?: unknown;
  env?: string;
}

export type OptionValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

export interface VerbOptions<S extends z.ZodType> {
  /** The parseArgs specification of every option (step fields and `extra`). */
  spec: OptionSpec;
  /** Option names without dashes, in schema order, then the extra ones. */
  names: string[];
  /** The schema default of an option, for `--help` text. */
  defaultOf(option: string): unknown;
  /** argv → raw option values (unknown options and missing values are InputErrors). */
  read(args: string[]): OptionValues;
  /** Raw option values → the step's validated options; errors name the options. */
  toOptions(values: OptionValues): z.output<S>;
  /** Both: the step's options and the verb's own flags. */
  parse(args: string[]): { options: z.output<S>; flags: OptionValues };
}

const WRAPPERS = new Set(["optional", "default", "prefault", "nullable", "readonly", "catch", "nonoptional"]);

interface Unwrapped {
  schema: z.ZodType;
  optional: boolean;
  defaultValue?: unknown;
}

function defOf(schema: z.ZodType): { type: string } & Record<string, unknown> {
  return (schema as unknown as { _zod: { def: { type: string } & Record<string, unknown> } })._zod.def;
}

function unwrap(schema: z.ZodType): Unwrapped {
  let current = schema;
  let optional = false;
  let defaultValue: unknown;
  for (;;) {
    const def = defOf(current);
    if (def.type === "default" || def.type === "prefault") {
      optional = true;
      defaultValue ??= def.defaultValue;
    } else if (def.type === "optional") optional = true;
    if (WRAPPERS.has(def.type)) current = def.innerType as z.ZodType;
    else if (def.type === "pipe") current = def.in as z.ZodType;
    else return { schema: current, optional, defaultValue };
  }
}

function kindOf(schema: z.ZodType): Kind | "object" {
  const def = defOf(schema);
  switch (def.type) {
    case "number":
      return "number";
    case "boolean":
      return "flag";
    case "object":
      return "object";
    case "array": {
      const element = unwrap(def.element as z.ZodType).schema;
      return defOf(element).type === "number" ? "numbers" : "texts";
    }
    case "union": {
      const branches = (def.options as z.ZodType[]).map((o) => defOf(unwrap(o).schema).type);
      return branches.includes("number") ? "number-or-text" : "text";
    }
    default:
      return "text";
  }
}

const kebab = (name: string) =>
  name === "outDir" ? "out" : name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function collectFields(
  schema: z.ZodType,
  config: Record<string, FieldConfig>,
  prefix: string[] = [],
  group?: string,
): { fields: Field[]; groups: Field[] } {
  const shape = defOf(schema).shape as Record<string, z.ZodType>;
  const fields: Field[] = [];
  const groups: Field[] = [];
  for (const [name, member] of Object.entries(shape)) {
    const path = [...prefix, name];
    const own = config[path.join(".")] ?? {};
    if (own.hidden) continue;
    const { schema: inner, optional, defaultValue } = unwrap(member);
    const kind = own.kind ?? kindOf(inner);
    const option = own.option ?? kebab(name);
    if (kind === "object") {
      // An optional object is switched on by its flag; a defaulted one is always there.
      const switched = optional && defaultValue === undefined;
      if (switched) groups.push({ path, option, kind: "flag", repeat: false, required: false, group });
      const nested = collectFields(inner, config, path, switched ? option : group);
      fields.push(...nested.fields);
      groups.push(...nested.groups);
      continue;
    }
    fields.push({
      path,
      option,
      kind,
      repeat: own.repeat ?? false,
      flagSets: own.flagSets,
      required: prefix.length === 0 && !optional,
      group,
      defaultValue,
      env: own.env,
    });
  }
  return { fields, groups };
}

/** Numbers typed in a way `Number()` would accept but a geoscientist did not mean: refused. */
function decimal(text: string, name: string): number {
  const value = parseDecimal(text);
  if (value === undefined) throw new InputError(`${name}: "${text}" is not a decimal number`);
  return value;
}

const NUMBER_LIKE = /^[\s+\-.\d]|^(inf|nan)/i;

/** The option's value as its field takes it; `name` is what the user wrote it as (option or variable). */
function convert(field: Field, raw: string | boolean | string[] | boolean[], name: string): unknown {
  if (field.kind === "flag") return field.flagSets ?? true;
  const texts = (Array.isArray(raw) ? raw : [raw]).map(String);
  const text = texts.join(",");
  switch (field.kind) {
    case "number":
      return decimal(text, name);
    case "number-or-text": {
      const value = parseDecimal(text);
      if (value !== undefined) return value;
      if (NUMBER_LIKE.test(text) && !existsSync(text))
        throw new InputError(`${name}: "${text}" is neither a decimal number nor an existing file`);
      return text;
    }
    case "numbers":
      return text.split(",").map((part) => decimal(part.trim(), name));
    case "texts":
      return field.repeat
        ? texts
        : text
            .split(",")
            .map((part) => part.trim())
            .filter((part) => part !== "");
    default:
      return text;
  }
}

function setAt(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

/** Fields that mean the same in every step that has them. */
const STANDARD_FIELDS: Record<string, FieldConfig> = { [MEMORY_LIMIT_FIELD]: { env: MEMORY_LIMIT_ENV } };

/** The `--help` line of `--memory-limit-gb`, for every verb whose step has the limit. */
export const MEMORY_LIMIT_HELP = `  --memory-limit-gb GB  Refuse work estimated to need more memory than this (default ${DEFAULT_MEMORY_LIMIT_GB} GB,
                        or the environment variable ${MEMORY_LIMIT_ENV}); see docs/limits.md.`;

/** The options of a verb whose step takes `schema`; see the comment at the top of this file. */
export function verbOptions<S extends z.ZodType>(schema: S, config: VerbOptionsConfig = {}): VerbOptions<S> {
  const { fields, groups } = collectFields(schema, { ...STANDARD_FIELDS, ...config.fields });
  const extra = config.extra ?? {};
  const spec: OptionSpec = { ...extra };
  for (const field of [...groups, ...fields]) {
    spec[field.option] =
      field.kind === "flag"
        ? { type: "boolean" }
        : { type: "string", ...(field.repeat ? { multiple: true } : {}) };
  }
  const byPath = [...fields, ...groups].sort((a, b) => b.path.length - a.path.length);
  const nameOf = (path: readonly PropertyKey[]) => {
    const match = byPath.find((field) => field.path.every((key, i) => key === path[i]));
    return match ? `--${match.option}` : path.map(String).join(".");
  };

  const toOptions = (values: OptionValues): z.output<S> => {
    const options: Record<string, unknown> = {};
    for (const group of groups) if (values[group.option]) setAt(options, group.path, {});
    for (const field of fields) {
      const fromEnv = field.env === undefined ? undefined : process.env[field.env] || undefined;
      const raw = values[field.option] ?? fromEnv;
      if (raw === undefined) {
        if (field.required) throw new InputError(`missing required option --${field.option} (see --help)`);
        continue;
      }
      if (field.group && !values[field.group])
        throw new InputError(
          `--${field.option} belongs to --${field.group}; add --${field.group} or drop it`,
        );
      const name = values[field.option] === undefined ? `${field.env}` : `--${field.option}`;
      setAt(options, field.path, convert(field, raw, name));
    }
    return parseOptionsWith(schema, options, "", nameOf);
  };
  const read = (args: string[]) => parseOptions(args, spec).values as OptionValues;
  return {
    spec,
    names: [...fields.map((f) => f.option), ...groups.map((g) => g.option), ...Object.keys(extra)],
    defaultOf: (option) => fields.find((f) => f.option === option)?.defaultValue,
    read,
    toOptions,
    parse(args) {
      const values = read(args);
      const flags = Object.fromEntries(Object.keys(extra).map((name) => [name, values[name]]));
      return { options: toOptions(values), flags };
    },
  };
}
