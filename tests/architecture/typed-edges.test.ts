// The typed edges, held on the sources: a route handler gets its caller from route() already typed
// by `auth` (ctx.agent, ctx.user), so no handler re-checks a principal's kind; a form's success
// callback gets the action's own result type, so no caller casts it. The types themselves are
// checked by tsc in lib/http/typed-edges.test.ts; this file keeps the workarounds from coming back.
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { ROOT } from "./import-graph";

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string) => {
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      const p = path.join(abs, e.name);
      if (e.isDirectory()) {
        if (e.name !== "dist") walk(p);
      } else if (/\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name)) out.push(path.relative(ROOT, p));
    }
  };
  walk(path.join(ROOT, dir));
  return out;
}

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

describe("route() hands handlers their caller typed by auth", () => {
  it("has no principal union, no agentOf() and no re-check of the caller's kind in a route file", () => {
    const offenders = filesUnder("app").flatMap((f) => {
      const src = read(f);
      return [/\bagentOf\(/, /\bprincipal\b/, /lib\/http\/principal/]
        .filter((re) => re.test(src))
        .map((re) => `${f}: ${re.source}`);
    });
    expect(offenders).toEqual([]);
    expect(fs.existsSync(path.join(ROOT, "lib/http/principal.ts"))).toBe(false);
  });
});

/** `x as T` inside each success callback of useServerAction(action, (x) => …), on its parameter. */
function castsOfSuccessData(file: string): string[] {
  const source = ts.createSourceFile(file, read(file), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "useServerAction") {
      const onSuccess = node.arguments[1];
      const param = onSuccess && ts.isArrowFunction(onSuccess) ? onSuccess.parameters[0]?.name : undefined;
      if (onSuccess && ts.isArrowFunction(onSuccess) && param && ts.isIdentifier(param)) {
        const inBody = (n: ts.Node): void => {
          if (ts.isAsExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === param.text) {
            const { line } = source.getLineAndCharacterOfPosition(n.getStart());
            found.push(`${file}:${line + 1}: ${n.getText()}`);
          }
          ts.forEachChild(n, inBody);
        };
        inBody(onSuccess.body);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("useServerAction keeps the action's result type", () => {
  const callers = [...filesUnder("components"), ...filesUnder("app")].filter((f) =>
    read(f).includes("useServerAction("),
  );

  it("is called by the forms (this test reads them)", () => {
    expect(callers.length).toBeGreaterThan(10);
  });

  it("has no cast of a success callback's data in its callers", () => {
    expect(callers.flatMap(castsOfSuccessData)).toEqual([]);
  });

  it("has no action prop typed with an untyped result", () => {
    const files = [...filesUnder("components"), ...filesUnder("app")];
    expect(files.filter((f) => /ActionResultLike\b/.test(read(f)))).toEqual([]);
  });
});
