// Builds the site's search index with MiniSearch (pinned in package.json beside this file) from the
// section documents tools/site/build.py wrote, and writes it as a script the pages load on first use
// (a script rather than JSON, so that search also works on pages opened from disk).
//
//   node tools/site/search-index.mjs <node_modules folder> <documents.json> <out.js>
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const [modules, docsFile, outFile] = process.argv.slice(2);
if (!outFile) {
  console.error("usage: node search-index.mjs <node_modules folder> <documents.json> <out.js>");
  process.exit(2);
}
const MiniSearch = createRequire(path.resolve(modules) + path.sep)("minisearch");
// the same options go to MiniSearch.loadJS in the browser (site.js)
const options = { fields: ["section", "text"], storeFields: ["chapter", "section", "text"] };
const docs = JSON.parse(fs.readFileSync(docsFile, "utf8"));
const index = new MiniSearch(options);
index.addAll(docs);
fs.writeFileSync(outFile, "window.SEARCH_INDEX = " + JSON.stringify({ options, index: index.toJSON() }) + ";\n");
console.log(`search index: ${docs.length} sections`);
