// Panel 6: descend from a whole grid of starts at once (one vectorised run in the library)
// and colour the map by the end each start reaches; diverged and unfinished starts marked.
import { num, post, unpack } from "../api.js";
import { BASIN_COLORS } from "./map.js";
import { settings } from "./race.js";

export function start(store, root) {
  const out = root.querySelector("#basins-out");
  const count = root.querySelector("#basins-num");
  const button = root.querySelector("#basins-run");

  button.addEventListener("click", async () => {
    const { equation, box, runs, direction, steps } = store.get();
    const n = Math.round(Number(count.value));
    const run = runs.length ? settings(runs[0]) : { optimizer: "gd", learning_rate: 0.1 };
    out.textContent = "descending…";
    button.disabled = true;
    let a;
    try {
      a = await post("basins", { equation, bounds: box, num: n, run,
        maximize: direction === "ascend", max_iter: steps });
    } catch (e) {
      out.replaceChildren(Object.assign(document.createElement("pre"), { className: "error", textContent: e.message }));
      return;
    } finally {
      button.disabled = false;
    }
    const x = Array.from(unpack(a.x));
    const y = Array.from(unpack(a.y));
    const flat = unpack(a.labels);
    const labels = [];
    for (let i = 0; i < y.length; i++) labels.push(Array.from(flat.subarray(i * x.length, (i + 1) * x.length)));
    store.set({ basins: { x, y, labels, ends: a.ends, counts: a.counts } });
    const counts = Object.entries(a.counts).map(([k, v]) => `${v} ${k}`).join(", ");
    out.replaceChildren();
    const summary = document.createElement("p");
    summary.textContent = `${x.length * y.length} starts (${run.optimizer}${run.line_search ? " + line search" : ""}, η = ${num(run.learning_rate)}): ${counts}; ${a.ends.length} distinct end${a.ends.length === 1 ? "" : "s"}.`;
    out.append(summary);
    const list = document.createElement("ul");
    a.ends.slice(0, 10).forEach((end, k) => {
      const item = document.createElement("li");
      item.innerHTML = `<span class="swatch" style="background:${BASIN_COLORS[k % 10]}"></span>`;
      item.append(`(${end.point.map(num).join(", ")}), f = ${num(end.value)}`);
      list.append(item);
    });
    if (a.ends.length > 10) list.append(Object.assign(document.createElement("li"), { textContent: `… ${a.ends.length - 10} more (colours repeat)` }));
    out.append(list);
  });
  root.querySelector("#basins-hide").addEventListener("click", () => {
    store.set({ basins: null });
    out.replaceChildren();
  });
}
