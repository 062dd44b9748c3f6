// livetest.mjs drives headless Debian Chromium (via playwright-core) against
// the box's live view and prints one JSON result on stdout.
//
//   node livetest.mjs check URL [seconds]   open /live/{id}, measure decode
//   node livetest.mjs ttff BASE CAMERA N    time to first frame of N joins
//
// Chromium: /usr/bin/chromium (or $CHROMIUM). Exit code 0 when the run
// produced a result (the Go test judges it), 2 on a harness failure.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const exe = process.env.CHROMIUM || "/usr/bin/chromium";
const args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--autoplay-policy=no-user-gesture-required"];

async function withBrowser(fn) {
  const dir = mkdtempSync(join(tmpdir(), "livetest-"));
  const ctx = await chromium.launchPersistentContext(dir, { executablePath: exe, headless: true, args, timeout: 60000 });
  try {
    return await fn(ctx);
  } finally {
    await ctx.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function stats(page) {
  return page.evaluate(async () => {
    const r = await window.whep.pc.getStats();
    let out = null; const codecs = {};
    r.forEach((s) => { if (s.type === "codec") codecs[s.id] = s.mimeType; });
    r.forEach((s) => {
      if (s.type === "inbound-rtp" && s.kind === "video") {
        out = { framesDecoded: s.framesDecoded || 0, keyFramesDecoded: s.keyFramesDecoded || 0,
          frameWidth: s.frameWidth || 0, frameHeight: s.frameHeight || 0, codec: codecs[s.codecId] || "",
          framesDropped: s.framesDropped || 0 };
      }
    });
    return out;
  });
}

async function check(url, seconds) {
  return withBrowser(async (ctx) => {
    const page = await ctx.newPage();
    const logs = [];
    page.on("console", (m) => logs.push(m.text()));
    await page.goto(url);
    await page.waitForFunction(() => window.whep || window.whepError, null, { timeout: 30000 });
    const err = await page.evaluate(() => window.whepError || null);
    if (err) return { ok: false, error: err, logs };
    const stream = await page.evaluate(() => window.whep.stream);
    // Wait (bounded) for the first decoded frame.
    let s0 = null;
    for (let i = 0; i < 300; i++) {
      s0 = await stats(page);
      if (s0 && s0.framesDecoded > 0) break;
      await sleep(100);
    }
    if (!s0 || s0.framesDecoded === 0) return { ok: false, error: { message: "no frame decoded in 30 s" }, stats: s0, logs };
    await sleep(seconds * 1000);
    const s1 = await stats(page);
    // Sample the picture: luminance variance of a downscaled frame.
    const variance = await page.evaluate(() => {
      const v = document.querySelector("video");
      const c = document.createElement("canvas"); c.width = 160; c.height = 90;
      const g = c.getContext("2d"); g.drawImage(v, 0, 0, 160, 90);
      const d = g.getImageData(0, 0, 160, 90).data;
      let sum = 0, sq = 0; const n = d.length / 4;
      for (let i = 0; i < d.length; i += 4) { const y = 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2]; sum += y; sq += y * y; }
      const mean = sum / n; return sq / n - mean * mean;
    });
    const video = await page.evaluate(() => { const v = document.querySelector("video"); return { w: v.videoWidth, h: v.videoHeight }; });
    return { ok: true, stream, first: s0, last: s1, decodedInWindow: s1.framesDecoded - s0.framesDecoded, variance, video };
  });
}

async function ttff(base, camera, n) {
  return withBrowser(async (ctx) => {
    const page = await ctx.newPage();
    await page.goto(base + "/live/" + camera + "?noautoplay");
    await page.waitForFunction(() => window.whep || window.whepError, null, { timeout: 30000 });
    await page.evaluate(async () => { if (window.whep) await window.whep.stop(); });
    const times = [];
    for (let i = 0; i < n; i++) {
      await sleep(Math.floor(Math.random() * 2000)); // a random moment in a 2 s GOP
      const ms = await page.evaluate(async ({ camera }) => {
        const { whepPlay } = await import("/static/whep.js");
        const v = document.createElement("video"); v.muted = true; v.autoplay = true; document.body.appendChild(v);
        const t0 = performance.now();
        const first = new Promise((res) => v.requestVideoFrameCallback(() => res(performance.now())));
        const s = await whepPlay(v, "/api/cameras/" + camera + "/whep");
        const t1 = await Promise.race([first, new Promise((res) => setTimeout(() => res(-1), 20000))]);
        await s.stop(); v.remove();
        return t1 < 0 ? -1 : t1 - t0;
      }, { camera });
      times.push(ms);
    }
    const ok = times.filter((t) => t >= 0).sort((a, b) => a - b);
    return { ok: ok.length === n, times, medianMs: ok.length ? ok[Math.floor(ok.length / 2)] : -1 };
  });
}

const [mode, ...rest] = process.argv.slice(2);
try {
  let res;
  if (mode === "check") res = await check(rest[0], Number(rest[1] || 5));
  else if (mode === "ttff") res = await ttff(rest[0], rest[1], Number(rest[2] || 10));
  else throw new Error("usage: livetest.mjs check URL [seconds] | ttff BASE CAMERA N");
  console.log(JSON.stringify(res));
  process.exit(0);
} catch (e) {
  console.log(JSON.stringify({ ok: false, harness: String(e && e.stack || e) }));
  process.exit(2);
}
