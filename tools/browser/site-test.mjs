// Renders every page of the site in headless Chromium and fails when
//  - a script, stylesheet, image or font is requested from outside the site folder,
//  - TeX delimiters or TeX commands are left as text (KaTeX did not render them), or KaTeX
//    reported an error,
//  - an image did not load,
//  - the previous/next links do not chain the pages in order, or the contents page misses one.
// It takes one screenshot per page (at the first displayed equation, when the page has one).
//
//   node tools/browser/site-test.mjs <site folder> <screenshot folder>
// (tools/browser-tests.sh runs it; CHROMIUM names the browser, default /usr/bin/chromium)
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import puppeteer from "puppeteer-core";

const [siteArg, shotArg] = process.argv.slice(2);
if (!siteArg || !shotArg) {
  console.error("usage: node site-test.mjs <site folder> <screenshot folder>");
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

async function check(browser, base, name, shoot) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
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
      links: [...document.querySelectorAll("main a[href]")].map((a) => a.getAttribute("href")),
    };
  }, RAW_TEX.map((r) => r.source));
  const took = Date.now() - t0;
  for (const r of report.raw) fail(name, `raw TeX left: "${r}"`);
  if (report.errors) fail(name, `${report.errors} KaTeX error(s)`);
  for (const i of report.imgs) if (!i.ok) fail(name, `image did not load: ${i.src}`);
  for (const a of report.assets) if (!a.startsWith(base)) fail(name, `asset outside the site: ${a}`);
  for (const u of outside) fail(name, `request outside the site: ${u}`);
  for (const u of broken) fail(name, `request failed: ${u}`);
  if (shoot) {
    await page.evaluate(() => document.querySelector(".katex-display")?.scrollIntoView({ block: "center" }));
    await page.screenshot({ path: path.join(shotArg, name.replace(/\.html$/, ".png")) });
  }
  await page.close();
  return { ...report, took };
}

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--allow-file-access-from-files"],
});
try {
  const results = {};
  for (const name of pages) {
    results[name] = await check(browser, siteUrl, name, true);
    const r = results[name];
    console.log(`  ${name.padEnd(36)} ${String(r.took).padStart(5)} ms  ${r.math} formulas, ${r.imgs.length} images`);
  }
  // previous/next: index -> first chapter -> ... -> last chapter
  chapters.forEach((c, i) => {
    const want = { prev: i > 0 ? chapters[i - 1] : null, next: i + 1 < chapters.length ? chapters[i + 1] : null };
    for (const k of ["prev", "next"]) {
      if (results[c][k] !== want[k]) fail(c, `${k} link is ${results[c][k]}, expected ${want[k]}`);
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
    const r = await check(browser, httpBase, name, false);
    if (r.math !== results[name].math) fail(name, `over http ${r.math} formulas rendered, from disk ${results[name].math}`);
  }
  server.close();
  console.log(`  the same ${pages.length} pages over http: checked`);
} finally {
  await browser.close();
}
if (failures.length) {
  console.error(`site test FAILED:\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
console.log(`site test passed: ${pages.length} pages; screenshots in ${shotArg}`);
