// The conformance harness's door into Quarto's TypeScript: reads a JSON request on stdin,
// runs Quarto's own function on it, writes the JSON result on stdout.
//   {"op": "md-to-notebook", "markdown": "...", "kernelspecs": {...}}  -> quartoMdToJupyter
//   {"op": "html-format", "execute": [{...}, ...]}                      -> the HTML format
//   {"op": "notebook-to-markdown", "notebook": {...}, ...}             -> jupyterToMarkdown
//   {"op": "language", "metadata": {...}}                               -> formatLanguage
// (jupyterToMarkdown resolves the inline expressions of each Markdown cell with
// jupyter-inline.ts, execute-inline.ts and display-data.ts, as in `quarto render`.)
import "./shims/deno-global.js";
import { jupyterAssets, jupyterToMarkdown, quartoMdToJupyter } from "quarto:src/core/jupyter/jupyter.ts";
import { createHtmlFormat } from "quarto:src/format/formats-shared.ts";
import { mergeConfigs } from "quarto:src/core/config.ts";
import { formatLanguage } from "quarto:src/core/language.ts";
import { setSchemaDefinition } from "quarto:src/core/lib/yaml-validation/schema.ts";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf-8");
}

async function handle(request: any): Promise<unknown> {
  switch (request.op) {
    case "md-to-notebook":
      (globalThis as any).__quartoKernelspecs = request.kernelspecs;
      return await quartoMdToJupyter(request.markdown, true); // with cell ids, as src/execute/jupyter/jupyter.ts asks
    case "html-format": {
      // the HTML format's defaults (src/format/html/format-html.ts: htmlFormat(7, 5)), then the
      // `execute` options of the project and of the document, in Quarto's merge order
      const format = createHtmlFormat("HTML", 7, 5);
      // (base-format and target-format are set when Quarto resolves `--to html`)
      return {
        ...format,
        identifier: { ...format.identifier, "base-format": "html", "target-format": "html" },
        pandoc: { ...format.pandoc, to: "html" },
        execute: mergeConfigs(format.execute, ...request.execute),
      };
    }
    case "language":
      // the translations for the document's `lang` (_language.yml, _language-fr.yml...), which
      // the filters receive as their "language" parameter
      // (the schema is named only: shims/validated-yaml.cjs parses without validating)
      setSchemaDefinition({ $id: "format-language" } as any);
      return await formatLanguage(request.metadata, request.metadata.language);
    case "notebook-to-markdown": {
      // what src/execute/jupyter/jupyter.ts does after execution, for an HTML format
      const format = request.format;
      const assets = jupyterAssets(request.input, format.pandoc.to);
      const result = await jupyterToMarkdown(request.notebook, {
        executeOptions: { format, project: undefined } as any,
        language: request.notebook.metadata.kernelspec.language.toLowerCase(),
        assets,
        execute: format.execute,
        keepHidden: format.render?.["keep-hidden"] ?? false,
        toHtml: format.pandoc.to === "html",
        toLatex: false,
        toMarkdown: false,
        toIpynb: false,
        toPresentation: false,
        figFormat: format.execute["fig-format"],
        figDpi: format.execute["fig-dpi"],
        figPos: format.render?.["fig-pos"] ?? null,
      });
      const outputs = result.cellOutputs.map((output) => output.markdown);
      if (result.notebookOutputs?.prefix) outputs.unshift(result.notebookOutputs.prefix);
      if (result.notebookOutputs?.suffix) outputs.push(result.notebookOutputs.suffix);
      return { markdown: outputs.join(""), pandoc: result.pandoc ?? null };
    }
    default:
      throw new Error(`unknown op ${request.op}`);
  }
}

handle(JSON.parse(await readStdin())).then(
  (result) => process.stdout.write(JSON.stringify(result)),
  (err) => {
    process.stderr.write(String(err?.stack ?? err) + "\n");
    process.exit(1);
  },
);
