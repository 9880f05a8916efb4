// Photographs the overview page of DL4J's training UI in headless Chromium once its charts have
// drawn, and fails when the score chart has no data: the UI's own data endpoint must report scores
// and the chart's canvas must hold drawn pixels.
//
//   node tools/browser/training-ui-shot.mjs <UI address, e.g. http://localhost:9000> <png file>
// (tools/training-ui-screenshot.sh runs it; CHROMIUM names the browser, default /usr/bin/chromium)
import fs from "node:fs";
import path from "node:path";
import puppeteer from "puppeteer-core";

const [base, out] = process.argv.slice(2);
if (!base || !out) {
  console.error("usage: node training-ui-shot.mjs <UI address> <png file>");
  process.exit(2);
}
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu"],
});
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 1000 });
  const errors = [];
  page.on("pageerror", (err) => errors.push(err.message));
  await page.goto(base.replace(/\/$/, "") + "/train/overview", { waitUntil: "networkidle2", timeout: 120000 });
  // the page fetches /train/overview/data and draws the charts with flot into canvases
  const data = await page.evaluate(async () => (await fetch("/train/overview/data")).json());
  const scores = (data.scores || []).length;
  if (scores === 0) throw new Error("the UI reports no scores: is a stats file with a session attached?");
  await page.waitForFunction(() => {
    const c = document.querySelector("#scoreiterchart canvas.flot-base");
    if (!c || c.width === 0) return false;
    const px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let drawn = 0;
    for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) drawn++;
    return drawn > 1000;
  }, { timeout: 60000, polling: 500 });
  // the standard-deviation chart opens on activations, which the trainer's engines do not produce: show gradients
  await page.click("#stdevGradients");
  await new Promise((r) => setTimeout(r, 1500));
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  await page.screenshot({ path: out, fullPage: true });
  const last = data.scoresIter[data.scoresIter.length - 1];
  console.log(`${out}: overview with ${scores} scores (iterations ${data.scoresIter[0]}..${last}), `
    + `first ${data.scores[0].toFixed(3)}, last ${data.scores[scores - 1].toFixed(3)}`
    + (errors.length ? `; page script errors: ${errors.join("; ")}` : ""));
} finally {
  await browser.close();
}
