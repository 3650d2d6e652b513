// The Equation part of the page: panels 1 to 6 over one store. The panels draw; the
// server (the steepest library) computes.
import { createStore, readAddress } from "../store.js";
import * as basins from "./basins.js";
import * as formula from "./formula.js";
import * as map from "./map.js";
import * as race from "./race.js";
import * as step from "./step.js";
import * as surface from "./surface.js";
import * as values from "./values.js";
import { num } from "../api.js";

/** Start the part in `root` (its <section>). */
export function start(root) {
  const store = createStore({ ...readAddress(), reading: null, grid: null, race: null,
    frame: 0, hover: null, basins: null, picked: null });
  const readout = root.querySelector("#hover-readout");
  store.on(["hover"], ({ hover, grid }) => {
    if (!hover || !grid) return;
    const { i, j } = hover;
    const at = i * grid.nx + j;
    const [f, fx, fy] = [grid.f[at], grid.fx[at], grid.fy[at]];
    const [x, y] = [grid.x[j], grid.y[i]];
    const [a, b] = grid.variables;
    readout.textContent = `at (${a}, ${b}) = (${num(x)}, ${num(y)}):  f = ${num(f)}   ` +
      `∇f = (${num(fx)}, ${num(fy)})   |∇f| = ${num(Math.hypot(fx, fy))}`;
    readout.dataset.x = x;
    readout.dataset.y = y;
  });
  for (const panel of [formula, surface, map, race, values, step, basins]) panel.start(store, root);
}
