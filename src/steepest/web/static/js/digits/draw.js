// Draw a digit: a canvas for mouse, pen and touch; the drawing is sent (made small) to the
// server, prepared exactly as `steepest predict` prepares a picture, and the ten outputs shown.
import { $, api, drawDigit, say, unpack } from "./util.js";

const SENT = 96;  // the side of the picture sent: 96 × 96 RGBA, 49 KB as base64
let busy = false, again = false, getSource = () => null;

function point(canvas, event) {
  const box = canvas.getBoundingClientRect();
  return [(event.clientX - box.left) * (canvas.width / box.width),
          (event.clientY - box.top) * (canvas.height / box.height)];
}

async function read() {
  const source = getSource();
  if (!source) { say("train a network (or start with --model) to read the drawing", true); return; }
  if (busy) { again = true; return; }
  busy = true;
  try {
    const small = document.createElement("canvas");
    small.width = small.height = SENT;
    const context = small.getContext("2d");
    context.drawImage($("pad"), 0, 0, SENT, SENT);
    const rgba = context.getImageData(0, 0, SENT, SENT).data;
    let text = "";
    for (let i = 0; i < rgba.length; i += 8192) text += String.fromCharCode(...rgba.subarray(i, i + 8192));
    const data = await api("/api/digits/draw", { source, width: SENT, height: SENT, rgba: btoa(text) });
    drawDigit($("pad-input"), unpack(data.input));
    showOutputs(data.outputs, data.guess);
  } catch (error) {
    $("outputs").dataset.guess = "";
    say(error.message, !error.message.startsWith("nothing is drawn"));
  } finally {
    busy = false;
    if (again) { again = false; read(); }
  }
}

function showOutputs(outputs, guess) {
  const box = $("outputs");
  box.dataset.guess = guess;
  const top = Math.max(1, ...outputs);
  box.innerHTML = outputs.map((v, d) =>
    `<div class="bar${d === guess ? " top" : ""}" data-digit="${d}" data-value="${v}">` +
    `<span>${d}</span><i style="width:${Math.max(0, (100 * v) / top)}%"></i><b>${v.toFixed(3)}</b></div>`).join("");
}

export function init(sourceOf) {
  getSource = sourceOf;
  const pad = $("pad");
  const pen = pad.getContext("2d");
  pen.lineWidth = 22; pen.lineCap = pen.lineJoin = "round"; pen.strokeStyle = "#000";
  let drawing = false, last = 0;
  pad.addEventListener("pointerdown", (event) => {
    drawing = true;
    pad.setPointerCapture(event.pointerId);
    const [x, y] = point(pad, event);
    pen.beginPath(); pen.moveTo(x, y); pen.lineTo(x + 0.1, y); pen.stroke();
  });
  pad.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    const [x, y] = point(pad, event);
    pen.lineTo(x, y); pen.stroke();
    if (performance.now() - last > 120) { last = performance.now(); read(); }  // as they draw
  });
  const end = () => { if (drawing) { drawing = false; read(); } };
  pad.addEventListener("pointerup", end);
  pad.addEventListener("pointercancel", end);
  $("pad-clear").onclick = () => {
    pen.clearRect(0, 0, pad.width, pad.height);
    $("pad-input").getContext("2d").clearRect(0, 0, 112, 112);
    $("outputs").replaceChildren();
    $("outputs").dataset.guess = "";
  };
}

/** Read the drawing again (the network changed). */
export function refresh() { if ($("outputs").children.length) read(); }
