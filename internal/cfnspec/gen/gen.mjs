#!/usr/bin/env node
// gen.mjs writes internal/cfnspec/spec_gen.go, cfnrun's CloudFormation
// property schema, from the AWS CDK team's service spec database (the npm
// package @aws-cdk/aws-service-spec, built from the CloudFormation registry
// schemas of every resource type plus the SAM specification).
//
//	go generate ./internal/cfnspec       (or: node internal/cfnspec/gen/gen.mjs)
//
// The package version is pinned below with its integrity hash: `npm pack`
// fetches exactly that tarball (npm's cache makes a second run offline), and
// this script reads db.json.gz straight out of it, so nothing is installed
// and the output depends on the pin alone. To move to a newer spec, change
// SPEC_VERSION, SPEC_INTEGRITY and SPEC_DATE (`npm view
// @aws-cdk/aws-service-spec@VERSION dist.integrity time`), run go generate,
// review the diff of spec_gen.go (it is one line per property), and
// update the version and date in docs/rules-schema.md (a test checks).
//
// Flags: -o FILE writes there instead of ../spec_gen.go; --tarball FILE
// reads a tarball already on disk instead of calling npm (it must still
// match SPEC_INTEGRITY); --stdout writes to standard output.
//
// Uses only node's standard library (node 18 or later).

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

export const SPEC_PACKAGE = "@aws-cdk/aws-service-spec";
export const SPEC_VERSION = "0.1.216";
export const SPEC_INTEGRITY =
  "sha512-O3Lu6v6J6RnI+Eenklbw8237kV64cTpM94QEXmlcmsIAzhcKrdd+qApZhlTL+H3IDt1JP6Vphbd+OOmq6r8pqw==";
export const SPEC_DATE = "2026-09-29";

const here = dirname(fileURLToPath(import.meta.url));

function fail(msg) {
  process.stderr.write(`gen.mjs: ${msg}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const o = { out: join(here, "..", "spec_gen.go"), tarball: "", stdout: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "-o") o.out = argv[++i];
    else if (a === "--tarball") o.tarball = argv[++i];
    else if (a === "--stdout") o.stdout = true;
    else fail(`unknown argument ${a} (want -o FILE, --tarball FILE, --stdout)`);
  }
  return o;
}

// fetchTarball returns the bytes of the pinned package's tarball.
function fetchTarball(path) {
  if (path) return readFileSync(path);
  const dir = mkdtempSync(join(tmpdir(), "cfnrun-spec-"));
  try {
    execFileSync("npm", ["pack", `${SPEC_PACKAGE}@${SPEC_VERSION}`, "--pack-destination", dir, "--silent"], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    const tgz = readdirSync(dir).find((f) => f.endsWith(".tgz"));
    if (!tgz) fail(`npm pack ${SPEC_PACKAGE}@${SPEC_VERSION} wrote no tarball`);
    return readFileSync(join(dir, tgz));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// untar returns the bytes of member name in a (gunzipped) tar archive.
function untar(tar, name) {
  for (let off = 0; off + 512 <= tar.length; ) {
    const h = tar.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const str = (a, b) => h.subarray(a, b).toString("latin1").replace(/\0.*$/s, "");
    const prefix = str(345, 500);
    const full = (prefix ? prefix + "/" : "") + str(0, 100);
    const size = parseInt(str(124, 136).trim() || "0", 8);
    const start = off + 512;
    if (full === name) return tar.subarray(start, start + size);
    off = start + Math.ceil(size / 512) * 512;
  }
  fail(`${name} not found in the ${SPEC_PACKAGE} tarball`);
}

function loadDB(tgz) {
  const got = "sha512-" + createHash("sha512").update(tgz).digest("base64");
  if (got !== SPEC_INTEGRITY) {
    fail(`${SPEC_PACKAGE}@${SPEC_VERSION} tarball has integrity ${got}, want ${SPEC_INTEGRITY}`);
  }
  const db = untar(gunzipSync(tgz), "package/db.json.gz");
  return JSON.parse(gunzipSync(db).toString("utf8")).schema;
}

// Delimiters of the type grammar; no name or allowed value may contain them.
// Names are letters and digits (and :: in resource types); allowed values
// may hold spaces and punctuation but none of the delimiters.
const RESERVED_NAME = /[^A-Za-z0-9_:.-]/;
const RESERVED_VALUE = /[\t\n\r<>|`\\]/;

function check(kind, s) {
  const bad = kind === "allowed value" ? RESERVED_VALUE : RESERVED_NAME;
  if (typeof s !== "string" || (s === "" && kind !== "allowed value") || bad.test(s)) fail(`${kind} ${JSON.stringify(s)} cannot be encoded`);
  return s;
}

// union joins alternatives, flattening nested unions and dropping
// repeats: (a|(b|c)|a) is (a|b|c).
function union(forms) {
  const alts = [];
  for (const f of forms) {
    for (const a of f.startsWith("(") ? splitUnion(f) : [f]) if (!alts.includes(a)) alts.push(a);
  }
  return alts.length === 1 ? alts[0] : "(" + alts.join("|") + ")";
}

// splitUnion returns the top-level alternatives of "(a|b|...)".
function splitUnion(f) {
  const out = [];
  let depth = 0;
  let start = 1;
  for (let i = 1; i < f.length - 1; i++) {
    const c = f[i];
    if (c === "(" || c === "<") depth++;
    else if (c === ")" || c === ">") depth--;
    else if (c === "|" && depth === 0) {
      out.push(f.slice(start, i));
      start = i + 1;
    }
  }
  out.push(f.slice(start, f.length - 1));
  return out;
}

// encode renders one spec type as cfnrun's type grammar (see tables.go):
// s string, i integer, n number, b boolean, j JSON (anything), t tag,
// d date-time; [T list, {T map, @Name property type, (T|T) union,
// and a scalar may carry its allowed values: s<A|B>.
function encoder(types, ref) {
  const enc = (t) => {
    switch (t.type) {
      case "string":
      case "integer":
      case "number":
      case "boolean":
      case "json":
      case "tag":
      case "date-time": {
        const k = { string: "s", integer: "i", number: "n", boolean: "b", json: "j", tag: "t", "date-time": "d" }[t.type];
        if (t.allowedValues && t.allowedValues.length) {
          return k + "<" + t.allowedValues.map((v) => check("allowed value", String(v))).join("|") + ">";
        }
        return k;
      }
      case "array":
        return "[" + enc(t.element);
      case "map":
        return "{" + enc(t.element);
      case "ref":
        return "@" + ref(t.reference.$ref);
      case "union":
        return union(t.types.map(enc));
      default:
        fail(`unknown spec type ${JSON.stringify(t)}`);
    }
  };
  return enc;
}

// propLine renders one property: name, flags, type. Flags: r required, c
// create-only (changing it replaces the resource), m replacement depends
// on the change (conditional), x deprecated; "-" for none. A property whose
// type changed over time (previousTypes) accepts every form it has had,
// the current one first.
function propLine(name, p, enc) {
  let flags = "";
  if (p.required) flags += "r";
  if (p.causesReplacement === "yes") flags += "c";
  if (p.causesReplacement === "maybe") flags += "m";
  if (p.deprecated) flags += "x";
  const ty = union([enc(p.type), ...(p.previousTypes || []).map(enc)]);
  return `${check("property name", name)}\t${flags || "-"}\t${ty}`;
}

function generate(db) {
  const typeByID = new Map();
  for (const t of Object.values(db.typeDefinition.entities)) typeByID.set(t.$id, t);
  const resources = Object.values(db.resource.entities).sort((a, b) =>
    a.cloudFormationType < b.cloudFormationType ? -1 : a.cloudFormationType > b.cloudFormationType ? 1 : 0,
  );
  const names = [];
  const blobs = [];
  let nprops = 0;
  let nenums = 0;
  for (const r of resources) {
    const typ = r.cloudFormationType;
    if (names.length && names[names.length - 1] === typ) fail(`${typ} appears twice`);
    // The property types this resource reaches, by name, in the order
    // they are first referenced (breadth first).
    const order = [];
    const nameOf = new Map(); // $id -> name
    const idOf = new Map(); // name -> $id
    const ref = (id) => {
      if (!nameOf.has(id)) {
        const t = typeByID.get(id);
        if (!t) fail(`${typ}: dangling type reference ${id}`);
        const n = check("type name", t.name);
        if (idOf.has(n)) fail(`${typ}: two property types named ${n}`);
        nameOf.set(id, n);
        idOf.set(n, id);
        order.push(id);
      }
      return nameOf.get(id);
    };
    const enc = encoder(typeByID, ref);
    const lines = [];
    const emit = (props) => {
      for (const [n, p] of Object.entries(props).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const l = propLine(n, p, enc);
        nenums += (l.match(/</g) || []).length;
        nprops++;
        lines.push(l);
      }
    };
    emit(r.properties);
    for (let i = 0; i < order.length; i++) {
      const t = typeByID.get(order[i]);
      lines.push("." + nameOf.get(order[i]));
      emit(t.properties);
    }
    names.push(check("resource type", typ));
    blobs.push(lines.join("\n"));
  }
  return { names, blobs, nprops, nenums };
}

function goFile({ names, blobs, nprops, nenums }) {
  const out = [];
  out.push(`// Code generated by gen/gen.mjs from ${SPEC_PACKAGE} ${SPEC_VERSION}; DO NOT EDIT.`);
  out.push("");
  out.push("package cfnspec");
  out.push("");
  out.push(`// Where the tables come from: ${names.length} resource types, ${nprops} properties,`);
  out.push(`// ${nenums} sets of allowed values.`);
  out.push("const (");
  out.push(`\t// Package is the npm package the tables were generated from.`);
  out.push(`\tPackage = ${JSON.stringify(SPEC_PACKAGE)}`);
  out.push(`\t// Version is its version.`);
  out.push(`\tVersion = ${JSON.stringify(SPEC_VERSION)}`);
  out.push(`\t// Date is the day that version was published.`);
  out.push(`\tDate = ${JSON.stringify(SPEC_DATE)}`);
  out.push(")");
  out.push("");
  out.push("// specTypes lists every resource type, sorted; specData[i] is the");
  out.push("// encoded schema of specTypes[i] (grammar in cfnspec.go).");
  out.push(`var specTypes = [${names.length}]string{`);
  for (const n of names) out.push(`\t${JSON.stringify(n)},`);
  out.push("}");
  out.push("");
  out.push(`var specData = [${blobs.length}]string{`);
  for (let i = 0; i < blobs.length; i++) {
    // Raw strings keep one property per line, so a regeneration's diff
    // reads as the schema change it is.
    if (blobs[i].includes("`")) fail(`${names[i]}: backquote in data`);
    out.push(`\t// ${names[i]}`);
    out.push("\t`" + blobs[i] + "`,");
  }
  out.push("}");
  out.push("");
  return out.join("\n");
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const db = loadDB(fetchTarball(args.tarball));
  const src = goFile(generate(db));
  if (args.stdout) process.stdout.write(src);
  else writeFileSync(args.out, src);
}

main();
