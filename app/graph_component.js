// The Explore graph: vis-network drawing nodes at the positions computed in Python (physics off).
// A click on a node sends "clicked" (focus on it), a double click "opened" (its Actor page).
// vis-network itself is prepended to this module at run time from the installed pyvis package
// (app/graph_component.py), so `globalThis.vis` exists here and nothing is fetched.
// Node and edge hover texts are plain strings: vis-network shows them as text, never as HTML.

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const vis = globalThis.vis;
  let root = parentElement.querySelector(".pg-graph");
  if (root && root.pgNetwork) {
    root.pgNetwork.destroy();
    root.remove();
  }
  root = document.createElement("div");
  root.className = "pg-graph";
  root.style.height = data.height + "px";
  root.setAttribute("role", "img");
  root.setAttribute("aria-label", data.aria);
  parentElement.appendChild(root);

  const network = new vis.Network(root, {
    nodes: new vis.DataSet(data.nodes),
    edges: new vis.DataSet(data.edges),
  }, data.options);
  root.pgNetwork = network;
  window.pgNetwork = network; // for tests and benchmarks: the graph on the page

  network.once("afterDrawing", function () {
    // Fit the view, but never below the zoom at which names stay readable (the view was sized for it).
    network.fit({ animation: false });
    if (network.getScale() < data.minScale) {
      network.moveTo({ position: data.centre, scale: data.minScale, animation: false });
    }
    root.setAttribute("data-stabilized", "1");
    document.body.setAttribute("data-graph-drawn", String(Date.now()));
  });

  // A double click also fires two clicks: wait a moment before treating a click as a focus.
  let pending = null;
  network.on("click", function (params) {
    if (!params.nodes.length) return;
    const id = params.nodes[0];
    clearTimeout(pending);
    pending = setTimeout(function () { setTriggerValue("clicked", id); }, 280);
  });
  network.on("doubleClick", function (params) {
    if (!params.nodes.length) return;
    clearTimeout(pending);
    setTriggerValue("opened", params.nodes[0]);
  });
  network.on("hoverNode", function () { root.style.cursor = "pointer"; });
  network.on("blurNode", function () { root.style.cursor = "default"; });

  return function () {
    clearTimeout(pending);
    if (root.pgNetwork) {
      root.pgNetwork.destroy();
      root.pgNetwork = null;
    }
  };
}
