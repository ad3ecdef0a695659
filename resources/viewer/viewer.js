// Vigil live viewer: one binary WebSocket per camera (/ws/<id>?format=binary), frames drawn on a
// canvas. Latest wins: while a JPEG is being decoded, newer frames replace the waiting one, so
// latency never builds up in the browser. Reconnects by itself with exponential back-off.
"use strict";

(function () {
    const token = new URLSearchParams(location.search).get("token");
    const grid = document.getElementById("grid");
    const summary = document.getElementById("summary");
    const tiles = new Map();          // camera id -> tile
    const decoder = new TextDecoder();
    let totalFrames = 0;
    let listBackoff = 500;

    function withToken(path, params) {
        const q = new URLSearchParams(params || {});
        if (token) q.set("token", token);
        const s = q.toString();
        return s ? path + "?" + s : path;
    }

    // VGL1: "VGL1" | u16 header length | u16 type | u32 metadata length | JSON | JPEG (big-endian).
    function parseBinary(buf) {
        if (buf.byteLength < 12) return null;
        const v = new DataView(buf);
        if (v.getUint32(0) !== 0x56474c31) return null;   // "VGL1"
        const headerLen = v.getUint16(4);
        const metaLen = v.getUint32(8);
        if (headerLen + metaLen > buf.byteLength) return null;
        const meta = JSON.parse(decoder.decode(new Uint8Array(buf, headerLen, metaLen)));
        const jpeg = new Blob([new Uint8Array(buf, headerLen + metaLen)], { type: "image/jpeg" });
        return { meta, jpeg };
    }

    function makeTile(cam) {
        const el = document.createElement("section");
        el.className = "tile";
        el.dataset.camera = cam.id;
        el.dataset.frames = "0";
        el.innerHTML = '<canvas width="640" height="480"></canvas>' +
            '<div class="bar"><span class="name"></span><span class="status"></span>' +
            '<span class="fps"></span><span class="latency"></span><span class="stats"></span></div>';
        el.querySelector(".name").textContent = cam.name || cam.id;
        grid.appendChild(el);
        const canvas = el.querySelector("canvas");
        const t = {
            id: cam.id, el, canvas, ctx: canvas.getContext("2d"),
            ws: null, frames: 0, windowFrames: 0, fps: 0, latencyMs: null, pipelineMs: null,
            backoff: 500, retry: null, decoding: false, waiting: null, removed: false,
        };
        tiles.set(cam.id, t);
        connect(t);
        return t;
    }

    function setStatus(t, status, text) {
        t.el.dataset.status = status;
        t.el.querySelector(".status").textContent = text || status;
    }

    function connect(t) {
        if (t.removed) return;
        setStatus(t, t.frames ? "reconnecting" : "connecting");
        const proto = location.protocol === "https:" ? "wss:" : "ws:";
        const url = proto + "//" + location.host +
            withToken("/ws/" + encodeURIComponent(t.id), { format: "binary" });
        const ws = new WebSocket(url);
        ws.binaryType = "arraybuffer";
        t.ws = ws;
        ws.onopen = () => { t.backoff = 500; setStatus(t, "live"); };
        ws.onmessage = (ev) => {
            if (typeof ev.data === "string") {
                const msg = JSON.parse(ev.data);
                if (msg.type === "stats") {
                    t.el.querySelector(".stats").textContent =
                        `processed ${msg.processed} · skipped ${msg.skipped} · read ${msg.total}`;
                }
                return;
            }
            const f = parseBinary(ev.data);
            if (f) show(t, f);
        };
        ws.onclose = (ev) => {
            if (t.ws !== ws) return;
            t.ws = null;
            if (t.removed) return;
            const delay = Math.min(t.backoff, 10000) * (0.8 + 0.4 * Math.random());
            t.backoff = Math.min(t.backoff * 2, 10000);
            const why = ev.code === 1008 ? "refused (token)" : ev.reason || "disconnected";
            setStatus(t, ev.code === 1008 ? "refused" : "reconnecting",
                      `${why}, retry in ${(delay / 1000).toFixed(1)} s`);
            t.retry = setTimeout(() => connect(t), delay);
        };
    }

    function show(t, f) {
        if (t.decoding) { t.waiting = f; return; }   // latest wins
        t.decoding = true;
        createImageBitmap(f.jpeg).then((bmp) => {
            if (t.canvas.width !== bmp.width || t.canvas.height !== bmp.height) {
                t.canvas.width = bmp.width;
                t.canvas.height = bmp.height;
                t.canvas.style.aspectRatio = `${bmp.width} / ${bmp.height}`;
            }
            t.ctx.drawImage(bmp, 0, 0);
            bmp.close();
            t.frames++;
            t.windowFrames++;
            totalFrames++;
            const now = Date.now();
            t.latencyMs = now - f.meta.sent_ts;
            t.pipelineMs = now - f.meta.received_ts;
            t.el.dataset.frames = String(t.frames);
            t.el.dataset.seq = String(f.meta.seq);
            document.body.dataset.frames = String(totalFrames);
        }).catch(() => { /* corrupt frame: skip it */ }).finally(() => {
            t.decoding = false;
            const next = t.waiting;
            t.waiting = null;
            if (next) show(t, next);
        });
    }

    function updateText() {
        let live = 0;
        for (const t of tiles.values()) {
            t.fps = t.windowFrames;
            t.windowFrames = 0;
            if (t.el.dataset.status === "live") live++;
            t.el.querySelector(".fps").textContent = `${t.frames} frames · ${t.fps} fps`;
            t.el.querySelector(".latency").textContent = t.latencyMs === null ? "" :
                `latency ${t.latencyMs} ms (camera→screen ${t.pipelineMs} ms)`;
            t.el.dataset.fps = String(t.fps);
        }
        summary.textContent = `${tiles.size} camera(s), ${live} live`;
        document.body.dataset.status = tiles.size ? "running" : "no-cameras";
    }

    async function loadCameras() {
        try {
            const r = await fetch(withToken("/api/cameras"), { cache: "no-store" });
            if (!r.ok) throw new Error("HTTP " + r.status);
            const cams = await r.json();
            const ids = new Set(cams.map((c) => c.id));
            for (const cam of cams)
                if (!tiles.has(cam.id)) makeTile(cam);
            for (const [id, t] of tiles) {
                if (ids.has(id)) continue;
                t.removed = true;
                clearTimeout(t.retry);
                if (t.ws) t.ws.close();
                t.el.remove();
                tiles.delete(id);
            }
            listBackoff = 500;
            setTimeout(loadCameras, 10000);
        } catch (e) {
            summary.textContent = `cannot list cameras (${e.message}), retrying`;
            setTimeout(loadCameras, listBackoff);
            listBackoff = Math.min(listBackoff * 2, 10000);
        }
    }

    // For tests and debugging: per-tile counters and a blank check of the canvas pixels.
    window.vigilViewer = {
        status() {
            return [...tiles.values()].map((t) => {
                const d = t.ctx.getImageData(0, 0, t.canvas.width, t.canvas.height).data;
                let lit = 0;
                for (let i = 0; i < d.length; i += 4 * 97)
                    if (d[i] + d[i + 1] + d[i + 2] > 30) lit++;
                return { id: t.id, frames: t.frames, fps: t.fps, latencyMs: t.latencyMs,
                         status: t.el.dataset.status, litSamples: lit,
                         samples: Math.ceil(d.length / (4 * 97)) };
            });
        },
    };

    setInterval(updateText, 1000);
    loadCameras();
})();
