// Panel 5: the maths of one step of a path: the point, the gradient there, the optimizer's
// state (velocity, running averages) before and after, the formula, the same formula with
// its numbers, and the new point, as the library computes them.
import { num, post } from "../api.js";
import { label, settings } from "./race.js";

export function start(store, root) {
  const select = root.querySelector("#step-run");
  const kInput = root.querySelector("#step-k");
  const out = root.querySelector("#step-out");

  store.on(["race"], ({ race, starts }) => {
    const before = select.value;
    select.replaceChildren();
    if (!race) return;
    for (const run of race.runs) {
      run.results.forEach((_, s) => {
        const option = new Option(`${label(run.id)}, start ${s + 1} (${starts[s].join(", ")})`, `${run.id}/${s}`);
        select.append(option);
      });
    }
    if ([...select.options].some((o) => o.value === before)) select.value = before;
  });

  async function show() {
    const { equation, runs, starts, direction } = store.get();
    if (!select.value) return;
    const [id, s] = select.value.split("/");
    const run = runs.find((r) => r.id === id);
    if (!run) return;
    let d;
    try {
      d = await post("step", { equation, start: starts[Number(s)], run: settings(run),
        maximize: direction === "ascend", k: Math.max(0, Math.round(Number(kInput.value))) });
    } catch (e) {
      out.innerHTML = "";
      out.append(Object.assign(document.createElement("pre"), { className: "error", textContent: e.message }));
      store.set({ picked: null });
      return;
    }
    out.replaceChildren();
    const formula = Object.assign(document.createElement("pre"), { className: "formula",
      textContent: d.formula.join("\n") });
    const lines = Object.assign(document.createElement("pre"), { className: "lines", textContent: d.lines.join("\n") });
    const table = document.createElement("table");
    table.className = "numbers";
    const add = (name, values) => {
      const row = table.insertRow();
      row.dataset.name = name;
      row.insertCell().textContent = name;
      row.insertCell().textContent = Array.isArray(values) ? `(${values.map(num).join(", ")})` : num(values);
    };
    add("x", d.point);
    add("f(x)", d.value);
    add("∇f(x)", d.gradient);
    add("η", d.learning_rate);
    for (const [k, v] of Object.entries(d.state_before)) add(`${k} before`, v);
    for (const [k, v] of Object.entries(d.state_after)) add(`${k} after`, v);
    if (d.alpha !== null) add("α", d.alpha);
    add("new x", d.new_point);
    add("new f(x)", d.new_value);
    out.append(formula, lines, table);
    out.dataset.k = d.k;
    store.set({ picked: d });
  }
  root.querySelector("#step-show").addEventListener("click", show);
  root.addEventListener("pick-step", (event) => {
    const { id, start, k } = event.detail;
    select.value = `${id}/${start}`;
    kInput.value = k;
    show();
  });
}
