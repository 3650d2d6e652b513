// Talking to the server: JSON requests, errors with the library's words, packed arrays.

/** An answer that is not 2xx: the server's message (with caret and hint for an equation). */
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error) || `the server answered ${status}`);
    this.status = status;
    this.position = body ? body.position : null;
    this.hint = body ? body.hint : null;
  }
}

/** POST a JSON body to /api/<path>; the parsed answer, or an ApiError. */
export async function post(path, body, { signal } = {}) {
  const response = await fetch(`/api/${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    signal,
  });
  let data = null;
  try {
    data = await response.json();
  } catch (e) {
    if (e.name === "AbortError") throw e; // a newer request took over while this one was read
    if (response.ok) throw new ApiError(response.status, { error: "the server's answer could not be read" });
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** A packed array (base64 of little-endian float32) as a Float32Array. */
export function unpack(text) {
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  return new Float32Array(bytes.buffer);
}

/** Rows of a flat array: `rows(a, n)` -> [[a0..an-1], ...], NaN as null (a gap for Plotly). */
export function rows(flat, n) {
  const out = [];
  for (let i = 0; i < flat.length; i += n) {
    out.push(Array.from(flat.subarray(i, i + n), (v) => (Number.isFinite(v) ? v : null)));
  }
  return out;
}

/** Calls `work` at most once per `wait` ms, the last call winning (for typing, sliders). */
export function debounce(work, wait) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => work(...args), wait);
  };
}

/** Only the latest request counts: `latest()` gives a signal that aborts the one before. */
export function latestOnly() {
  let controller = null;
  return () => {
    if (controller) controller.abort();
    controller = new AbortController();
    return controller.signal;
  };
}

/** A number for people: 6 significant digits, no "-0". */
export function num(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  const s = Number(v).toPrecision(6);
  const n = Number(s);
  return String(n === 0 ? 0 : n);
}
