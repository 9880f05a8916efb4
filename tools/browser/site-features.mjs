// The reader's features of the site, checked in headless Chromium (site-test.mjs runs them):
// search, the sidebar, the narrow layout, dark mode, copy buttons, folded outputs, the downloads and
// the PDF. Each check returns what it measured; problems go to fail(where, what).
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export const SEARCH_QUERY = "gradient clipping";
export const SEARCH_TARGET = "06-training-advice-measured.html#gradient-clipping";

async function open(browser, url, { width = 1280, height = 900, dark = false } = {}) {
  const page = await browser.newPage();
  await page.setViewport({ width, height });
  await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: dark ? "dark" : "light" }]);
  await page.goto(url, { waitUntil: "load" });
  await page.waitForSelector("body[data-math=rendered]", { timeout: 15000 });
  await page.evaluate(() => document.fonts.ready);
  return page;
}

// types the query, reads the results, then follows the first one with the keyboard (ArrowDown, Enter)
export async function search(browser, base, shots, fail) {
  const page = await open(browser, base + "index.html");
  await page.focus("#search-box");
  await page.keyboard.type(SEARCH_QUERY);
  await page.waitForSelector("#search-results li a", { visible: true, timeout: 10000 })
    .catch(() => fail("search", `no results for "${SEARCH_QUERY}"`));
  const results = await page.$$eval("#search-results li a", (as) => as.map((a) => ({
    href: a.getAttribute("href"), chapter: a.querySelector(".where")?.textContent ?? "",
    section: a.querySelector(".section")?.textContent ?? "", snippet: a.querySelector(".snippet")?.textContent ?? "",
    marked: a.querySelectorAll(".snippet mark").length,
  })));
  await page.screenshot({ path: path.join(shots, "search-results.png") });
  const first = results[0];
  if (!first) return { results };
  if (first.href !== SEARCH_TARGET) fail("search", `first result is ${first.href}, expected ${SEARCH_TARGET}`);
  if (!first.chapter.startsWith("6.")) fail("search", `first result names the chapter "${first.chapter}"`);
  if (first.section !== "Gradient clipping") fail("search", `first result names the section "${first.section}"`);
  if (first.snippet.length < 40 || first.marked === 0) fail("search", `first result's snippet "${first.snippet}" marks no term`);
  await page.keyboard.press("ArrowDown");
  const focused = await page.evaluate(() => document.activeElement.getAttribute("href"));
  if (focused !== first.href) fail("search", `ArrowDown focuses ${focused}, not the first result`);
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.keyboard.press("Enter")]);
  await new Promise((ok) => setTimeout(ok, 300));
  const landed = await page.evaluate(() => {
    const h = document.getElementById(location.hash.slice(1));
    return { url: location.href, top: h ? Math.round(h.getBoundingClientRect().top) : null, text: h?.textContent ?? "" };
  });
  if (!landed.url.endsWith(SEARCH_TARGET)) fail("search", `the first result led to ${landed.url}`);
  if (landed.top === null || landed.top < 0 || landed.top > 300) fail("search", `the section's heading is at y = ${landed.top}, not at the top`);
  await page.close();
  return { results, landed };
}

// scrolls a chapter to a section: the sidebar highlights it; screenshot with the sidebar
export async function sidebar(browser, base, chapter, section, shots, fail) {
  const page = await open(browser, base + chapter);
  await page.evaluate((id) => document.getElementById(id).scrollIntoView(), section);
  await new Promise((ok) => setTimeout(ok, 300));
  const state = await page.evaluate(() => ({
    inView: [...document.querySelectorAll("nav.sidebar a.in-view")].map((a) => a.dataset.section),
    visible: getComputedStyle(document.querySelector("nav.sidebar")).display !== "none",
    chapters: document.querySelectorAll("nav.sidebar > ol > li").length,
  }));
  if (!state.visible) fail(chapter, "the sidebar is hidden at 1280 px");
  if (state.inView.length !== 1 || state.inView[0] !== section) fail(chapter, `the sidebar highlights ${state.inView}, expected ${section}`);
  await page.screenshot({ path: path.join(shots, "sidebar.png") });
  // the last section in a low window, where the sidebar scrolls: its entry is highlighted and in the sidebar's view
  await page.setViewport({ width: 1280, height: 500 });
  const last = await page.evaluate(async () => {
    const links = [...document.querySelectorAll("nav.sidebar a[data-section]")];
    const id = links[links.length - 1].dataset.section;
    document.getElementById(id).scrollIntoView();
    await new Promise((ok) => setTimeout(ok, 300));
    const a = document.querySelector("nav.sidebar a.in-view"), box = document.querySelector("nav.sidebar").getBoundingClientRect();
    const r = a?.getBoundingClientRect();
    return { id, inView: a?.dataset.section, visible: !!r && r.top >= box.top && r.bottom <= box.bottom };
  });
  if (last.inView !== last.id || !last.visible) fail(chapter, `at its last section the sidebar shows ${JSON.stringify(last)}`);
  await page.close();
  return { ...state, last: last.id };
}

// every page at 390 px: no sideways scrolling of the page; the menu button opens the sidebar by keyboard
export async function narrow(browser, base, pages, chapter, shots, fail) {
  const widths = {};
  for (const name of pages) {
    const page = await open(browser, base + name, { width: 390, height: 844 });
    widths[name] = await page.evaluate(() => document.documentElement.scrollWidth);
    if (widths[name] > 390) fail(name, `at 390 px the page is ${widths[name]} px wide (scrolls sideways)`);
    if (name === chapter) {
      await page.screenshot({ path: path.join(shots, "narrow-390.png") });
      await page.focus(".menu-button");
      await page.keyboard.press("Enter");
      const open = await page.evaluate(() => ({
        shown: getComputedStyle(document.querySelector("nav.sidebar")).display !== "none",
        expanded: document.querySelector(".menu-button").getAttribute("aria-expanded"),
        focus: document.activeElement.closest("nav.sidebar") !== null,
      }));
      if (!open.shown || open.expanded !== "true" || !open.focus) fail(name, `the menu button did not open the sidebar: ${JSON.stringify(open)}`);
      await page.screenshot({ path: path.join(shots, "narrow-390-menu.png") });
      await page.keyboard.press("Escape");
      const closed = await page.evaluate(() => getComputedStyle(document.querySelector("nav.sidebar")).display === "none");
      if (!closed) fail(name, "Escape did not close the sidebar");
    }
    await page.close();
  }
  return widths;
}

// dark mode: dark page, light card behind the charts; screenshot at the first chart
export async function dark(browser, base, chapter, shots, fail) {
  const page = await open(browser, base + chapter, { dark: true });
  const colours = await page.evaluate(() => {
    const img = document.querySelector(".output_png img, .jp-RenderedImage img");
    img?.scrollIntoView({ block: "center" });
    return { body: getComputedStyle(document.body).backgroundColor, chart: img ? getComputedStyle(img).backgroundColor : null };
  });
  if (colours.body === "rgb(255, 255, 255)") fail(chapter, "dark mode leaves the page white");
  if (colours.chart !== "rgb(255, 255, 255)") fail(chapter, `dark mode: the chart has no white card (${colours.chart})`);
  await page.screenshot({ path: path.join(shots, "dark-mode.png") });
  await page.close();
  return colours;
}

// copy button puts the cell's code on the clipboard; a folded output unfolds
export async function cells(browser, base, chapter, fail) {
  await browser.defaultBrowserContext().overridePermissions(new URL(base).origin, ["clipboard-read", "clipboard-write"]);
  const page = await open(browser, base + chapter);
  const counts = await page.evaluate(() => ({
    code: document.querySelectorAll(".input_area, .jp-InputArea").length,
    buttons: document.querySelectorAll("button.copy").length,
    folded: document.querySelectorAll("pre.folded").length,
  }));
  if (counts.buttons !== counts.code) fail(chapter, `${counts.buttons} copy buttons for ${counts.code} code cells`);
  await page.click("button.copy");
  const copied = await page.evaluate(async () => ({
    clip: await navigator.clipboard.readText(),
    code: document.querySelector(".input_area pre, .jp-InputArea pre").innerText.replace(/\n$/, ""),
  }));
  if (copied.clip !== copied.code) fail(chapter, `the copy button copied "${copied.clip.slice(0, 60)}"`);
  if (counts.folded > 0) {
    const unfolded = await page.evaluate(() => {
      const b = document.querySelector("button.unfold");
      b.click();
      const pre = b.previousElementSibling;
      return !pre.classList.contains("folded") && pre.clientHeight === pre.scrollHeight && b.getAttribute("aria-expanded") === "true";
    });
    if (!unfolded) fail(chapter, "'Show all' did not unfold the output");
  }
  await page.close();
  return counts;
}

// every download link of every page resolves; the notebooks are valid JSON and equal to notebooks/
export function downloads(site, notebooks, links, fail) {
  const targets = new Set(Object.values(links).flat());
  for (const t of targets) if (!fs.existsSync(path.join(site, decodeURIComponent(t)))) fail("downloads", `${t} does not exist`);
  const committed = fs.readdirSync(notebooks).filter((f) => f.endsWith(".ipynb")).sort();
  for (const f of committed) {
    const copy = path.join(site, "notebooks", f);
    if (!targets.has(`notebooks/${f}`)) fail("downloads", `no page links notebooks/${f}`);
    if (!fs.existsSync(copy)) continue;
    try { JSON.parse(fs.readFileSync(copy, "utf8")); } catch (e) { fail("downloads", `${f} is not valid JSON: ${e.message}`); }
    if (!fs.readFileSync(copy).equals(fs.readFileSync(path.join(notebooks, f)))) fail("downloads", `${f} differs from notebooks/`);
  }
  const zip = [...targets].find((t) => t.endsWith(".zip"));
  let zipped = [];
  if (zip) {
    zipped = JSON.parse(execFileSync("python3", ["-c", `import hashlib, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(json.dumps({i.filename: hashlib.sha256(z.read(i)).hexdigest() for i in z.infolist()}))`, path.join(site, zip)]).toString());
    const sha = (f) => crypto.createHash("sha256").update(fs.readFileSync(f)).digest("hex");
    for (const f of committed) {
      if (zipped[`notebooks/${f}`] !== sha(path.join(notebooks, f))) fail("downloads", `the zip's ${f} differs from notebooks/`);
    }
    zipped = Object.keys(zipped);
  } else fail("downloads", "no page links a zip of the notebooks");
  return { links: targets.size, notebooks: committed.length, zipped: zipped.length };
}

// the PDF: a page per chapter start, no raw TeX in its text, as many raster figures as the pages have,
// and the SVG figure's labels as text
export function pdf(site, pdfName, chapterTitles, rasterCount, svgLabels, rawTex, fail) {
  const file = path.join(site, pdfName);
  if (!fs.existsSync(file)) { fail("pdf", `${pdfName} missing`); return null; }
  const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [file]).toString())?.[1]);
  const text = execFileSync("pdftotext", ["-enc", "UTF-8", file, "-"], { maxBuffer: 1 << 28 }).toString();
  const norm = (s) => s.replace(/\s+/g, " ").trim();
  const pageTexts = text.split("\f").map(norm);
  const starts = chapterTitles.filter((t) => pageTexts.some((p) => p.startsWith(norm(t))));
  for (const t of chapterTitles) if (!starts.includes(t)) fail("pdf", `no page starts with the chapter "${t}"`);
  for (const r of rawTex) {
    const m = new RegExp(r).exec(text);
    if (m) fail("pdf", `raw TeX in the PDF's text: "${text.slice(Math.max(0, m.index - 30), m.index + 40).replace(/\s+/g, " ")}"`);
  }
  const images = execFileSync("pdfimages", ["-list", file]).toString().split("\n").slice(2)
    .filter((l) => l.trim().split(/\s+/)[2] === "image").length;
  if (images !== rasterCount) fail("pdf", `${images} images in the PDF, ${rasterCount} raster images on the pages`);
  const all = norm(text);
  const missing = svgLabels.filter((l) => !all.includes(l));
  if (missing.length) fail("pdf", `the SVG figure's labels ${missing.join(", ")} are not in the PDF`);
  return { pages, chapters: starts.length, images, svgLabels: svgLabels.length - missing.length };
}
