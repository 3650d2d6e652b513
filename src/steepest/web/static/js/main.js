// The explorer's page: one part per area of the app (the Equation part now; a Digits part
// joins as one more module), switched by the links in the header.
import * as digitsPart from "./digits/part.js";
import * as equationPart from "./equation/part.js";

const PARTS = { equation: equationPart, digits: digitsPart };

function show(name) {
  for (const section of document.querySelectorAll("section.part")) {
    section.hidden = section.dataset.part !== name;
  }
  for (const link of document.querySelectorAll("#parts a")) {
    link.classList.toggle("active", link.dataset.part === name);
  }
}

for (const link of document.querySelectorAll("#parts a")) {
  link.addEventListener("click", (event) => {
    event.preventDefault();
    show(link.dataset.part);
  });
}

show("equation");
for (const [name, part] of Object.entries(PARTS)) {
  part.start(document.querySelector(`section.part[data-part="${name}"]`));
}
