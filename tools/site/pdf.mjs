// Prints the one-page book (tools/site/build.py writes it) to PDF in headless Chromium: math
// rendered by the bundled KaTeX, charts and figures as on the site, a contents page linking each
// chapter and section, page numbers in the footer. Not tagged, so without bookmarks: Chromium's
// bookmarks need a tagged PDF, which here was 2.8 times the size (every highlighted token tagged).
// It prints the PDF's size and the KaTeX fonts the book loaded (every formula of every chapter),
// which build.py keeps.
//
//   node tools/site/pdf.mjs <node_modules folder> <chromium> <book.html> <out.pdf>
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const [modules, chromium, bookFile, outFile] = process.argv.slice(2);
if (!outFile) {
  console.error("usage: node pdf.mjs <node_modules folder> <chromium> <book.html> <out.pdf>");
  process.exit(2);
}
const puppeteer = createRequire(path.resolve(modules) + path.sep)("puppeteer-core");
const profile = fs.mkdtempSync(path.join(os.tmpdir(), "site-pdf-"));
const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  userDataDir: profile,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--allow-file-access-from-files"],
});
try {
  const page = await browser.newPage();
  const outside = [];
  const fonts = new Set();
  page.on("request", (req) => {
    if (!/^(file|data):/.test(req.url())) outside.push(req.url());
    const font = /\/assets\/katex\/fonts\/([^/?#]+)$/.exec(req.url());
    if (font) fonts.add(font[1]);
  });
  await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: "light" }]);
  await page.goto(pathToFileURL(path.resolve(bookFile)).href, { waitUntil: "load", timeout: 120000 });
  await page.waitForSelector("body[data-math=rendered]", { timeout: 60000 });
  await page.evaluate(() => document.fonts.ready);
  const broken = await page.evaluate(() => [...document.images].filter((i) => !(i.complete && i.naturalWidth > 0)).length);
  if (broken) throw new Error(`${broken} image(s) of the book did not load`);
  if (outside.length) throw new Error(`the book requested files outside the site: ${outside.join(", ")}`);
  const footer = `<div style="width:100%; font-size:8px; color:#555; text-align:center; font-family:sans-serif">
    <span class="pageNumber"></span> / <span class="totalPages"></span></div>`;
  await page.pdf({
    path: outFile, format: "A4", printBackground: true, timeout: 0, tagged: false,
    displayHeaderFooter: true, headerTemplate: "<span></span>", footerTemplate: footer,
    margin: { top: "16mm", bottom: "18mm", left: "14mm", right: "14mm" },
  });
  console.log(`PDF: ${path.basename(outFile)}, ${Math.round(fs.statSync(outFile).size / 1024)} KiB`);
  console.log(`fonts: ${[...fonts].sort().join(" ")}`);  // the KaTeX fonts the chapters' formulas use
} finally {
  await browser.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
