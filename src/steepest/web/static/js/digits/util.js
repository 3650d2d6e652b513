// Small helpers shared by the Digits panels: the API, packed arrays, elements.

/** POST (or GET without a body) to the API; resolves to the JSON answer or throws its words. */
export async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  };
  const answer = await fetch(path, options);
  const data = await answer.json().catch(() => ({ error: `the server answered ${answer.status}` }));
  if (!answer.ok) throw new Error(data.error || JSON.stringify(data));
  return data;
}

/** A float32 little-endian array sent as base64. */
export function unpack(text) {
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  return new Float32Array(bytes.buffer);
}

/** Bytes sent as base64. */
export function unbytes(text) {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

export const $ = (id) => document.getElementById(id);

/** Draw a 28 × 28 picture (values 0..1, or 0..255 with scale 255) on a canvas, light ink on dark. */
export function drawDigit(canvas, values, scale = 1, signed = false) {
  const side = 28;
  const context = canvas.getContext("2d");
  const image = context.createImageData(side, side);
  let top = 0;
  if (signed) for (const v of values) top = Math.max(top, Math.abs(v));
  for (let i = 0; i < side * side; i++) {
    const v = values[i] / scale;
    let r, g, b;
    if (signed) {  // weights: blue for negative, orange for positive, white near 0
      const t = top > 0 ? v / top : 0;
      r = t > 0 ? 255 : 255 * (1 + t); g = 255 * (1 - 0.55 * Math.abs(t)); b = t < 0 ? 255 : 255 * (1 - t);
    } else {
      r = g = b = 255 * (1 - Math.min(1, Math.max(0, v)));
    }
    image.data.set([r, g, b, 255], 4 * i);
  }
  const small = new OffscreenCanvas(side, side);
  small.getContext("2d").putImageData(image, 0, 0);
  context.imageSmoothingEnabled = false;
  context.drawImage(small, 0, 0, canvas.width, canvas.height);
}

/** Show a message in the page's message line (an error in red). */
export function say(text, error = false) {
  const line = $("message");
  line.textContent = text;
  line.className = error ? "error" : "";
}
