// Panel 1: the equation box, read as the user types; the reading and the gradient as
// rendered mathematics (MathML from the server); the derivations, folded; errors under the
// box with the caret and the hint the command line gives.
import { debounce, latestOnly, post } from "../api.js";

export function start(store, root) {
  const input = root.querySelector("#equation-input");
  const error = root.querySelector("#equation-error");
  const reading = root.querySelector("#equation-reading");
  const gradient = root.querySelector("#equation-gradient");
  const steps = root.querySelector("#equation-steps");
  const latest = latestOnly();

  async function read(text) {
    let answer;
    try {
      answer = await post("equation", { equation: text }, { signal: latest() });
    } catch (e) {
      if (e.name === "AbortError") return;
      input.classList.add("bad");
      error.textContent = e.message;
      error.hidden = false;
      return;
    }
    input.classList.remove("bad");
    error.hidden = true;
    reading.innerHTML = answer.mathml;
    gradient.innerHTML = answer.gradient.map((c) => c.mathml).join(" ");
    steps.replaceChildren(...answer.derivations.map(derivation));
    const changed = text !== store.get().equation;
    store.set(changed ? { equation: text, reading: answer, basins: null, picked: null }
      : { reading: answer });
  }

  input.value = store.get().equation;
  input.addEventListener("input", debounce(() => read(input.value), 250));
  read(input.value);
}

function derivation(d) {
  const block = document.createElement("div");
  block.className = "derivation";
  const heading = document.createElement("div");
  heading.textContent = d.heading + ":";
  block.append(heading);
  d.lines.forEach((line, index) => {
    const row = document.createElement("div");
    row.className = "line";
    if (line.rule) {
      const rule = document.createElement("div");
      rule.className = "rule";
      rule.textContent = line.rule;
      row.append(rule);
    }
    const sign = document.createElement("div");
    sign.textContent = index === 0 ? "" : "=";
    const maths = document.createElement("div");
    maths.innerHTML = line.mathml;
    row.append(sign, maths);
    block.append(row);
  });
  return block;
}
