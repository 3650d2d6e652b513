// The Digits part on a page of its own: /digits.
import { start } from "./main.js";

start(document.getElementById("digits-root"));
