// The surface's data: f and ∇f on a grid over the box, fetched when the equation or the
// box changes, unpacked once for the surface and the map.
import { latestOnly, post, unpack } from "../api.js";

export const GRID = 200; // points per side

/** Keep `store.grid` in step with the equation and the box; errors go to `onError`. */
export function follow(store, onError) {
  const latest = latestOnly();
  let loaded = "";
  async function load() {
    const { equation, box, reading } = store.get();
    if (!reading || reading.equation !== equation) return; // wait for a good reading
    const key = JSON.stringify([equation, box]);
    if (key === loaded) return; // the same grid again
    loaded = key;
    if (reading.variables.length !== 2) {
      store.set({ grid: null });
      onError(`the surface and the map need an equation of two variables; this one has ` +
        `${reading.variables.length} (${reading.variables.join(", ")})`);
      return;
    }
    try {
      const a = await post("surface", { equation, bounds: box, grid: GRID }, { signal: latest() });
      const grid = {
        variables: a.variables, bounds: a.bounds, x: unpack(a.x), y: unpack(a.y),
        f: unpack(a.f), fx: unpack(a.fx), fy: unpack(a.fy),
        arrows: { x: unpack(a.arrows.x), y: unpack(a.arrows.y), u: unpack(a.arrows.u),
          v: unpack(a.arrows.v) },
        stationary: a.stationary, curves: a.curves.map(unpack), note: a.stationary_note,
      };
      grid.nx = grid.x.length;
      grid.ny = grid.y.length;
      onError(null);
      store.set({ grid, hover: null });
    } catch (e) {
      if (e.name !== "AbortError") {
        loaded = "";
        onError(e.message);
      }
    }
  }
  store.on(["reading", "box"], load);
}

/** f on the grid as rows (null where not a finite number), for Plotly. */
export function zRows(grid, values = grid.f) {
  const out = [];
  for (let i = 0; i < grid.ny; i++) {
    const row = new Array(grid.nx);
    for (let j = 0; j < grid.nx; j++) {
      const v = values[i * grid.nx + j];
      row[j] = Number.isFinite(v) ? v : null;
    }
    out.push(row);
  }
  return out;
}

/** The colouring of f: plain, or log₁₀(f − min f) when a few huge values would wash out
 * the rest (Rosenbrock's valley). */
export function colouring(grid) {
  const finite = Array.from(grid.f).filter(Number.isFinite).sort((a, b) => a - b);
  if (!finite.length) return { values: grid.f, title: "f" };
  const low = finite[0];
  const high = finite[finite.length - 1];
  const middle = finite[Math.floor(finite.length / 2)];
  if (high - low <= 0 || (middle - low) / (high - low) > 0.05) return { values: grid.f, title: "f" };
  const spread = (high - low) * 1e-9 + 1e-12;
  const values = grid.f.map((v) => Math.log10(v - low + spread));
  return { values, title: "log₁₀(f − min f)" };
}

/** The grid cell nearest to (x, y). */
export function nearest(grid, x, y) {
  const j = Math.round(((x - grid.x[0]) / (grid.x[grid.nx - 1] - grid.x[0])) * (grid.nx - 1));
  const i = Math.round(((y - grid.y[0]) / (grid.y[grid.ny - 1] - grid.y[0])) * (grid.ny - 1));
  return { i: Math.min(Math.max(i, 0), grid.ny - 1), j: Math.min(Math.max(j, 0), grid.nx - 1) };
}

/** Tell the store the cursor is over (x, y) of the `from` plot, when the cell changed. */
export function hoverAt(store, x, y, from) {
  const { grid, hover } = store.get();
  if (!grid) return;
  const cell = { ...nearest(grid, x, y), from };
  if (!hover || hover.i !== cell.i || hover.j !== cell.j || hover.from !== from) {
    store.set({ hover: cell });
  }
}
