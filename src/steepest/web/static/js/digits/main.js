// The Digits part: puts its panels into a root element and wires them together, on its own
// page (/digits, page.js) or as a part of the explorer's page (part.js). The server
// computes; this only draws.
import { $, api, say } from "./util.js";
import * as train from "./train.js";
import * as inspect from "./inspect.js";
import * as draw from "./draw.js";
import * as landscape from "./landscape.js";

let lastLook = 0;

/** Fill ``root`` with the panels and start them; resolves when the part is ready. */
export async function start(root) {
  const answer = await fetch("/static/digits/panels.html");
  root.innerHTML = await answer.text();
  try {
    const info = await api("/api/digits/info");
    if (!info.full_mnist) $("data").querySelector("[value=mnist]").disabled = true;
    $("runs-note").textContent = `up to ${info.runs_at_once} networks train at once on this machine`;
    train.init();
    if (info.setups) train.useSetups(info.setups);
    inspect.init(train.source);
    draw.init(train.source);
    landscape.init(train.source);
    train.onChange((kind) => {
      const now = performance.now();
      // the panels follow the training, every two seconds while it runs
      if (kind === "end" || kind === "start" || now - lastLook > 2000) {
        lastLook = now;
        inspect.refresh(train.source());
        draw.refresh();
      }
    });
    if (info.model) {
      train.setSource("model");
      say(`the model given to steepest explore: ${info.model.sizes.join("-")}` +
          (info.model.path ? ", with its training path" : ""));
    }
    root.dataset.ready = "yes";
    if (document.body.classList.contains("digits")) document.body.dataset.ready = "yes";
  } catch (error) { say(error.message, true); }
}
