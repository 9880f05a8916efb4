// Renders every page of the site in headless Chromium and fails when
//  - a script, stylesheet, image or font is requested from outside the site folder,
//  - TeX delimiters or TeX commands are left as text (KaTeX did not render them), or KaTeX
//    reported an error,
//  - an image did not load,
//  - the previous/next links (top and bottom) do not chain the pages in order, or the contents page
//    misses one,
//  - axe-core finds a serious or critical accessibility violation (light and dark), headings skip a
//    level, or an image has no alt text,
//  - a reader's feature fails (site-features.mjs): search, sidebar, 390 px layout, dark mode, copy
//    buttons, folded outputs, downloads, the PDF.
// It takes one screenshot per page (at the first displayed equation, when the page has one) and the
// feature screenshots (search-results, sidebar, narrow-390, narrow-390-menu, dark-mode).
//
//   node tools/browser/site-test.mjs <site folder> <screenshot folder> <notebooks folder>
// (tools/browser-tests.sh runs it; CHROMIUM names the browser, default /usr/bin/chromium)
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import puppeteer from "puppeteer-core";
import * as features from "./site-features.mjs";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const PDF_NAME = "deep-rnn-book.pdf";
const [siteArg, shotArg, notebooksArg] = process.argv.slice(2);
if (!siteArg || !shotArg || !notebooksArg) {
  console.error("usage: node site-test.mjs <site folder> <screenshot folder> <notebooks folder>");
  process.exit(2);
}
const site = path.resolve(siteArg);
if (!fs.existsSync(path.join(site, "index.html"))) {
  console.error(`error: ${site} has no index.html (build it with bash tools/run-chapters.sh --site-only)`);
  process.exit(2);
}
fs.mkdirSync(shotArg, { recursive: true });
const siteUrl = pathToFileURL(site + path.sep).href;
const chapters = fs.readdirSync(site).filter((f) => f.endsWith(".html") && f !== "index.html").sort();
const pages = ["index.html", ...chapters];
const failures = [];
const fail = (page, what) => failures.push(`${page}: ${what}`);

// what a page's text may not contain once KaTeX ran (text inside code, pre and KaTeX's own
// markup is skipped): $$, \( \[, $...$ spans and TeX commands such as \mathbf{
const RAW_TEX = [/\$\$/, /\\\(|\\\[/, /\$[^\s$][^$\n]*\$/, /\\(mathbf|frac|text|sum|odot|tanh|sigma|left|right|cdot|times)\b/];

// axe-core's violations of a loaded page, by impact
async function axe(page) {
  await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ["violations"] }))
    .violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, where: v.nodes[0]?.target.join(" ") })));
  const counts = { critical: 0, serious: 0, moderate: 0, minor: 0 };
  for (const v of found) counts[v.impact] += v.nodes;
  return { counts, found };
}
const t0 = Date.now();
const stamp = () => `${Math.round((Date.now() - t0) / 1000)} s`;

async function check(browser, base, name, { shoot = false, dark = false, a11y: withAxe = true } = {}) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: dark ? "dark" : "light" }]);
  const outside = [];
  page.on("request", (req) => {
    const url = req.url();
    if (!url.startsWith(base) && !url.startsWith("data:")) outside.push(url);
  });
  const broken = [];
  page.on("requestfailed", (req) => broken.push(req.url()));
  page.on("pageerror", (err) => fail(name, `script error: ${err.message}`));
  const t0 = Date.now();
  await page.goto(base + name, { waitUntil: "load" });
  await page.waitForSelector("body[data-math=rendered]", { timeout: 15000 }).catch(() => fail(name, "KaTeX never ran"));
  await page.evaluate(() => document.fonts.ready);
  const report = await page.evaluate((patterns) => {
    const skip = (n) => n.parentElement && n.parentElement.closest("pre, code, script, style, .katex, textarea");
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const raw = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (skip(n)) continue;
      for (const p of patterns) {
        const m = new RegExp(p).exec(n.textContent);
        if (m) raw.push(n.textContent.trim().slice(0, 80));
      }
    }
    const imgs = [...document.images].map((i) => ({ src: i.src.slice(0, 60), ok: i.complete && i.naturalWidth > 0 }));
    const assets = [...document.querySelectorAll("script[src], link[href][rel=stylesheet]")].map((e) => e.src || e.href);
    return {
      raw, imgs, assets,
      math: document.querySelectorAll(".katex").length,
      errors: document.querySelectorAll(".katex-error").length,
      prev: document.querySelector("a[rel=prev]")?.getAttribute("href") ?? null,
      next: document.querySelector("a[rel=next]")?.getAttribute("href") ?? null,
      prevBottom: document.querySelector("nav.pager.bottom a[rel=prev]")?.getAttribute("href") ?? null,
      nextBottom: document.querySelector("nav.pager.bottom a[rel=next]")?.getAttribute("href") ?? null,
      links: [...document.querySelectorAll("main a[href]")].map((a) => a.getAttribute("href")),
      downloads: [...document.querySelectorAll(".page-tools a[href]")].map((a) => a.getAttribute("href")),
      headings: [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].map((h) => Number(h.tagName[1])),
      title: document.querySelector("main h1")?.textContent.trim() ?? "",
      untitled: [...document.querySelectorAll(".output_png img, .jp-RenderedImage img")]
        .filter((i) => /^Chart drawn by a code cell/.test(i.alt)).map((i) => i.alt),
      noAlt: [...document.images].filter((i) => !(i.getAttribute("alt") || "").trim()).map((i) => i.src.slice(0, 60)),
      long: [...document.querySelectorAll(".output_area pre, .jp-OutputArea pre")]
        .filter((p) => p.textContent.replace(/\n$/, "").split("\n").length > 25).length,
      folded: document.querySelectorAll("pre.folded").length,
      raster: [...document.querySelectorAll("main img")].filter((i) => /^data:image\/png|\.png$/.test(i.src)).length,
    };
  }, RAW_TEX.map((r) => r.source));
  const took = Date.now() - t0;
  for (const r of report.raw) fail(name, `raw TeX left: "${r}"`);
  if (report.errors) fail(name, `${report.errors} KaTeX error(s)`);
  for (const i of report.imgs) if (!i.ok) fail(name, `image did not load: ${i.src}`);
  for (const a of report.assets) if (!a.startsWith(base)) fail(name, `asset outside the site: ${a}`);
  for (const u of outside) fail(name, `request outside the site: ${u}`);
  for (const u of broken) fail(name, `request failed: ${u}`);
  if (report.folded !== report.long) fail(name, `${report.folded} of ${report.long} outputs over 25 lines folded`);
  for (const a of report.untitled) fail(name, `a chart's alt text names no chart title (tools/site/alttext.py found none): ${a}`);
  for (const i of report.noAlt) fail(name, `image without alt text: ${i}`);
  report.headings.forEach((level, i) => {
    if (i === 0 ? level !== 1 : level > report.headings[i - 1] + 1) fail(name, `heading ${i + 1} is h${level} after h${report.headings[i - 1] ?? "-"}`);
  });
  const a11y = withAxe ? await axe(page) : { counts: {}, found: [] };
  for (const v of a11y.found) {
    if (v.impact === "serious" || v.impact === "critical") fail(name, `axe-core (${dark ? "dark" : "light"}): ${v.impact} ${v.id} on ${v.nodes} element(s), first ${v.where}`);
  }
  if (shoot) {
    await page.evaluate(() => document.querySelector(".katex-display")?.scrollIntoView({ block: "center" }));
    await page.screenshot({ path: path.join(shotArg, name.replace(/\.html$/, ".png")) });
  }
  await page.close();
  return { ...report, took, a11y };
}

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--allow-file-access-from-files"],
});
try {
  const results = {};
  for (const name of pages) {
    results[name] = await check(browser, siteUrl, name, { shoot: true });
    const r = results[name];
    const dark = (await check(browser, siteUrl, name, { dark: true })).a11y;
    const axeLine = (a) => `${a.counts.critical}/${a.counts.serious}/${a.counts.moderate}/${a.counts.minor}` +
      (a.found.length ? ` (${a.found.map((v) => v.id).join(", ")})` : "");
    console.log(`  [${stamp()}] ${name.padEnd(36)} ${String(r.took).padStart(5)} ms  ${r.math} formulas, ${r.imgs.length} images;` +
      ` axe-core critical/serious/moderate/minor: light ${axeLine(r.a11y)}, dark ${axeLine(dark)}`);
  }
  // previous/next: index -> first chapter -> ... -> last chapter
  chapters.forEach((c, i) => {
    const want = { prev: i > 0 ? chapters[i - 1] : null, next: i + 1 < chapters.length ? chapters[i + 1] : null };
    for (const k of ["prev", "next"]) {
      if (results[c][k] !== want[k]) fail(c, `${k} link is ${results[c][k]}, expected ${want[k]}`);
      const bottom = results[c][k + "Bottom"];
      if (bottom !== want[k]) fail(c, `${k} link at the end of the page is ${bottom}, expected ${want[k]}`);
    }
  });
  if (results["index.html"].next !== chapters[0]) fail("index.html", "no next link to the first chapter");
  for (const c of chapters) {
    if (!results["index.html"].links.includes(c)) fail("index.html", `the contents do not link ${c}`);
    const sections = results["index.html"].links.filter((l) => l.startsWith(c + "#"));
    if (sections.length === 0) fail("index.html", `the contents list no section of ${c}`);
  }

  // the same pages from a web server (what a reader gets from any static host)
  const server = http.createServer((req, res) => {
    const file = path.join(site, decodeURIComponent(new URL(req.url, "http://x").pathname));
    if (!file.startsWith(site) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".woff2": "font/woff2" };
    res.writeHead(200, { "content-type": types[path.extname(file)] || "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const httpBase = `http://127.0.0.1:${server.address().port}/`;
  for (const name of pages) {
    const r = await check(browser, httpBase, name, { a11y: false });  // axe-core ran on these pages above
    if (r.math !== results[name].math) fail(name, `over http ${r.math} formulas rendered, from disk ${results[name].math}`);
  }
  console.log(`  [${stamp()}] the same ${pages.length} pages over http: checked`);

  const fromDisk = await features.search(browser, siteUrl, shotArg, fail);  // the index is a script: works from disk too
  const found = await features.search(browser, httpBase, shotArg, fail);
  const top = found.results.slice(0, 3).map((r) => `${r.href} (${r.chapter} / ${r.section})`);
  console.log(`  [${stamp()}] search "${features.SEARCH_QUERY}": ${found.results.length} results, first ${top.join("; ")}; landed at y = ${found.landed?.top}` +
    `; from disk the same first result: ${fromDisk.results[0]?.href === found.results[0]?.href}`);
  const clipping = chapters.find((c) => c.startsWith("06-")) ?? chapters[chapters.length - 1];
  const side = await features.sidebar(browser, httpBase, clipping, "gradient-clipping", shotArg, fail);
  console.log(`  [${stamp()}] sidebar: ${side.chapters} chapters, highlights ${side.inView}, then ${side.last} in its own view`);
  const widths = await features.narrow(browser, httpBase, pages, clipping, shotArg, fail);
  console.log(`  [${stamp()}] 390 px: widest page ${Math.max(...Object.values(widths))} px; the menu button opens and Escape closes the sidebar`);
  const colours = await features.dark(browser, httpBase, clipping, shotArg, fail);
  console.log(`  [${stamp()}] dark mode: page ${colours.body}, chart card ${colours.chart}`);
  const mostFolded = chapters.reduce((a, b) => (results[b].folded > results[a].folded ? b : a));
  const cellCounts = await features.cells(browser, httpBase, mostFolded, fail);
  console.log(`  [${stamp()}] ${mostFolded}: ${cellCounts.buttons} copy buttons (clipboard checked), ${cellCounts.folded} outputs` +
    ` folded, ${cellCounts.folded ? "one unfolded by its button" : "none to unfold"}; site-wide ` +
    `${chapters.reduce((n, c) => n + results[c].folded, 0)} outputs over 25 lines, all folded`);
  server.close();

  const links = Object.fromEntries(pages.map((p) => [p, results[p].downloads]));
  const dl = features.downloads(site, path.resolve(notebooksArg), links, fail);
  console.log(`  [${stamp()}] downloads: ${dl.links} links resolve; ${dl.notebooks} notebooks equal to notebooks/, the zip holds ${dl.zipped}`);
  if (Object.values(links).flat().includes(PDF_NAME)) {
    const svgs = fs.existsSync(path.join(site, "images")) ? fs.readdirSync(path.join(site, "images")).filter((f) => f.endsWith(".svg")) : [];
    const labels = svgs.flatMap((f) => [...fs.readFileSync(path.join(site, "images", f), "utf8").matchAll(/<text[^>]*>([\s\S]*?)<\/text>/g)]
      .map((m) => m[1].replace(/<[^>]+>/g, "").trim()).filter((t) => t.includes(" ")));
    const raster = chapters.reduce((n, c) => n + results[c].raster, 0);
    const book = features.pdf(site, PDF_NAME, chapters.map((c) => results[c].title), raster, labels, RAW_TEX.map((r) => r.source), fail);
    if (book) console.log(`  [${stamp()}] PDF: ${book.pages} pages, ${book.chapters} chapters each starting a page, ${book.images} images` +
      ` (the pages have ${raster}), ${book.svgLabels} labels of the SVG figure as text, no raw TeX`);
  } else {
    fail("pdf", "the pages link no PDF (was Chromium missing when the site was built?)");
  }
} finally {
  await browser.close();
}
if (failures.length) {
  console.error(`site test FAILED:\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
console.log(`site test passed: ${pages.length} pages; screenshots in ${shotArg}`);
