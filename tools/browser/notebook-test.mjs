// Runs notebooks through the classic Notebook UI in headless Chromium, as a reader would: open
// the notebook, wait for its kernel, Cell > All Output > Clear, Cell > Run All, wait until every
// code cell has run, then check that text and (where asked) PNG outputs appeared and that no
// cell shows an error. One screenshot per notebook, at its first PNG output (or at the top).
//
//   node tools/browser/notebook-test.mjs <server URL with token> <screenshot folder> <notebook>[:png] ...
// e.g. ... "http://127.0.0.1:8888/tree?token=..." target/browser 01-environment.ipynb 03-deep-lstm-time-machine.ipynb:png
// (tools/browser-tests.sh --notebooks runs it; CHROMIUM names the browser, default /usr/bin/chromium;
// NOTEBOOK_TIMEOUT is the limit per notebook in seconds, default 900)
import fs from "node:fs";
import path from "node:path";
import puppeteer from "puppeteer-core";

const [serverArg, shotDir, ...notebooks] = process.argv.slice(2);
if (!serverArg || !shotDir || notebooks.length === 0) {
  console.error("usage: node notebook-test.mjs <server URL with token> <screenshot folder> <notebook>[:png] ...");
  process.exit(2);
}
const server = new URL(serverArg);
const token = server.searchParams.get("token") || "";
const limitMs = 1000 * Number(process.env.NOTEBOOK_TIMEOUT || 900);
fs.mkdirSync(shotDir, { recursive: true });
const failures = [];

async function clickMenu(page, menu, item) {
  // the classic Notebook's menu bar: <a class="dropdown-toggle">Cell</a>, then <li id="run_all_cells"><a>
  const opened = await page.evaluate((label) => {
    const a = [...document.querySelectorAll("#menus a.dropdown-toggle")].find((x) => x.textContent.trim() === label);
    if (a) a.click();
    return Boolean(a);
  }, menu);
  if (!opened) throw new Error(`no "${menu}" menu`);
  if (item.includes(" ")) {  // a submenu: hover its parent first
    const [parent, child] = item.split(" ");
    await page.hover(`#${parent} > a`);
    await page.waitForSelector(`#${child} > a`, { visible: true });
    await page.click(`#${child} > a`);
  } else {
    await page.waitForSelector(`#${item} > a`, { visible: true });
    await page.click(`#${item} > a`);
  }
}

async function run(browser, name, wantPng) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 1000 });
  page.on("pageerror", (err) => console.log(`    (page script error: ${err.message})`));
  page.on("dialog", (d) => d.accept());
  const t0 = Date.now();
  const url = new URL(`notebooks/${encodeURIComponent(name)}`, new URL(server.pathname.replace(/tree\/?$/, ""), server));
  url.searchParams.set("token", token);
  await page.goto(url.href, { waitUntil: "load" });
  await page.waitForFunction(() => window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded, { timeout: 60000 });
  // the kernel: started by the server when the page opened it
  await page.waitForFunction(
    () => Jupyter.notebook.kernel && Jupyter.notebook.kernel.info_reply && Object.keys(Jupyter.notebook.kernel.info_reply).length > 0
      && document.querySelector("#kernel_indicator_icon.kernel_idle_icon") !== null,
    { timeout: 60000 });
  const kernelMs = Date.now() - t0;
  const kernelName = await page.evaluate(() => Jupyter.notebook.kernel.name);
  await page.evaluate(() => {
    window.__finished = 0;
    Jupyter.notebook.events.on("finished_execute.CodeCell", () => { window.__finished += 1; });
  });
  await clickMenu(page, "Cell", "all_outputs clear_all_output");
  const codeCells = await page.evaluate(() => Jupyter.notebook.get_cells().filter((c) => c.cell_type === "code").length);
  const leftOver = await page.evaluate(() => document.querySelectorAll(".output_area").length);
  if (leftOver) failures.push(`${name}: ${leftOver} outputs left after Clear`);
  const t1 = Date.now();
  await clickMenu(page, "Cell", "run_all_cells");
  await page.waitForFunction(
    (n) => window.__finished >= n && document.querySelector("#kernel_indicator_icon.kernel_idle_icon") !== null,
    { timeout: limitMs, polling: 1000 }, codeCells);
  const runMs = Date.now() - t1;
  const out = await page.evaluate(() => ({
    errors: [...document.querySelectorAll(".output_error")].map((e) => e.textContent.trim().slice(0, 200)),
    text: document.querySelectorAll(".output_text, .output_stream").length,
    png: document.querySelectorAll(".output_png img").length,
    pngLoaded: [...document.querySelectorAll(".output_png img")].filter((i) => i.complete && i.naturalWidth > 0).length,
    unrun: Jupyter.notebook.get_cells().filter((c) => c.cell_type === "code" && typeof c.input_prompt_number !== "number").length,
  }));
  for (const e of out.errors) failures.push(`${name}: error output: ${e}`);
  if (out.text === 0) failures.push(`${name}: no text output`);
  if (wantPng && out.png === 0) failures.push(`${name}: no PNG output`);
  if (out.pngLoaded !== out.png) failures.push(`${name}: ${out.png - out.pngLoaded} PNG outputs did not load`);
  if (out.unrun) failures.push(`${name}: ${out.unrun} code cells without an execution count`);
  await page.evaluate(() => {
    const img = document.querySelector(".output_png img");
    (img || document.querySelector(".cell")).scrollIntoView({ block: "center" });
  });
  const shot = path.join(shotDir, `notebook-${name.replace(/\.ipynb$/, "")}.png`);
  await page.screenshot({ path: shot });
  console.log(`  ${name}: kernel '${kernelName}' ready after ${(kernelMs / 1000).toFixed(1)} s; ` +
    `${codeCells} code cells ran in ${(runMs / 1000).toFixed(1)} s; ${out.text} text and ${out.png} PNG outputs, ` +
    `${out.errors.length} errors; screenshot ${shot}`);
  await page.close();
}

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu"],
  // A notebook runs for minutes inside one page call on a slow or busy machine: puppeteer's
  // default protocol limit of 180 s would end the test while the notebook is still running.
  protocolTimeout: 20 * 60 * 1000,
});
try {
  for (const arg of notebooks) {
    const [name, flag] = arg.split(":");
    try {
      await run(browser, name, flag === "png");
    } catch (e) {
      failures.push(`${name}: ${e.message.split("\n")[0]}`);
    }
  }
} finally {
  await browser.close();
}
if (failures.length) {
  console.error(`notebook test FAILED:\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
console.log(`notebook test passed: ${notebooks.length} notebooks run from the Notebook UI`);
