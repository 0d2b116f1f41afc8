// dnlab's Shell widget: an xterm.js terminal wired to a process in the kernel (dnlab/views/terminal.py).
// terminal.py puts XTERM_SOURCE and FIT_SOURCE, the vendored modules' text, before this file: they are
// imported from Blob URLs, so nothing is fetched from anywhere.
//
// To the kernel: {type: "start", rows, cols} once the terminal is on the page, then {type: "input", data}
// per keystroke and {type: "resize", rows, cols}. From it: {type: "output", data}, then {type: "exit", code}
// or {type: "error", message}.

const ROWS = 24;
const MIN_COLS = 40;

const imported = (source) => import(URL.createObjectURL(new Blob([source], { type: "text/javascript" })));
let xterm; // both modules, imported once per page

function element(className, parent) {
  const made = document.createElement("div");
  made.className = className;
  parent.append(made);
  return made;
}

async function render({ model, el }) {
  const [{ Terminal }, { FitAddon }] = await (xterm ??= Promise.all([imported(XTERM_SOURCE), imported(FIT_SOURCE)]));
  el.classList.add("dnlab-shell");
  el.setAttribute("data-lm-suppress-shortcuts", "true"); // keys typed here go to the shell, not to JupyterLab
  element("dnlab-shell-title", el).textContent = model.get("title");
  const screen = element("dnlab-shell-screen", el);
  const term = new Terminal({ rows: ROWS, cols: 100, cursorBlink: true, fontSize: 13, scrollback: 2000 });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(screen);

  let state = "new"; // then "running", then "ended"
  const end = (line) => {
    state = "ended";
    term.write(line);
    term.options.disableStdin = true;
    term.options.cursorBlink = false;
  };
  const received = (msg) => {
    if (msg.type === "output") term.write(msg.data);
    else if (msg.type === "exit") end(`\r\n[process exited with code ${msg.code ?? "unknown"}]\r\n`);
    else if (msg.type === "error") end(`\r\n\x1b[31mdnlab: ${msg.message}\x1b[0m\r\n`);
  };
  model.on("msg:custom", received);
  const typed = term.onData((data) => state === "running" && model.send({ type: "input", data }));
  const resized = term.onResize(({ rows, cols }) => state === "running" && model.send({ type: "resize", rows, cols }));
  // The first observation comes once the page has laid the terminal out: fit its width, then start.
  const observer = new ResizeObserver(() => {
    const proposed = fit.proposeDimensions();
    if (proposed && proposed.cols !== term.cols) term.resize(Math.max(proposed.cols, MIN_COLS), ROWS);
    if (state === "new") {
      state = "running";
      model.send({ type: "start", rows: term.rows, cols: term.cols });
    }
  });
  observer.observe(screen);
  return () => {
    observer.disconnect();
    typed.dispose();
    resized.dispose();
    model.off("msg:custom", received);
    term.dispose();
  };
}

export default { render };
