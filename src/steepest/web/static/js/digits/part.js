// The Digits part of the explorer's page (js/main.js starts each part in its <section>).
import { start as fill } from "./main.js";

/** Start the part in `section`; its plots take their size when the part is first shown. */
export function start(section) {
  section.classList.add("digits");
  fill(section);
  new IntersectionObserver((entries) => {
    if (!entries.some((entry) => entry.isIntersecting)) return;
    for (const plot of section.querySelectorAll(".js-plotly-plot")) Plotly.Plots.resize(plot);
  }).observe(section);
}
