// The award form: filter the people list as you type and show the total cost live.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var form = document.getElementById("give-form");
  if (!form) return;
  var filter = document.getElementById("recipient-filter");
  var items = Array.prototype.slice.call(document.querySelectorAll("#recipient-list li[data-search]"));
  var status = document.getElementById("filter-status");
  var noMatch = document.getElementById("no-match");
  var points = document.getElementById("points");
  var cost = document.getElementById("cost");
  var remaining = parseInt(document.getElementById("remaining").dataset.remaining, 10) || 0;
  // The page's language: sentences from data-words, each {name} filled in by say().
  var phrases = JSON.parse(form.dataset.words || "{}");
  function say(key, values) {
    return (phrases[key] || key).replace(/\{(\w+)\}/g, function (_, name) { return values[name]; });
  }

  function applyFilter() {
    var words = filter.value.toLowerCase().trim().split(/\s+/).filter(Boolean);
    var shown = 0;
    var found = 0;
    items.forEach(function (item) {
      var box = item.querySelector("input");
      var text = item.dataset.search;
      var match = words.every(function (word) { return text.indexOf(word) !== -1; });
      item.hidden = !(match || box.checked); // people already chosen stay in view
      if (!item.hidden) shown += 1;
      if (match) found += 1;
    });
    noMatch.hidden = found > 0;
    status.textContent = words.length ? say("shown", {count: shown}) : "";
  }

  function chosen() {
    return form.querySelectorAll("input[name=recipients]:checked").length;
  }

  // Who is chosen, with how each served you, stays in view however the list is scrolled.
  var chosenList = document.getElementById("chosen-list");
  var chosenEmpty = document.getElementById("chosen-empty");

  function renderChosen() {
    chosenList.textContent = "";
    var boxes = form.querySelectorAll("input[name=recipients]:checked");
    Array.prototype.forEach.call(boxes, function (box) {
      var item = box.closest("li");
      var entry = document.createElement("li");
      entry.dataset.id = box.value;
      entry.appendChild(document.createTextNode(item.dataset.name + " "));
      var badge = document.createElement("span");
      badge.className = "badge badge-" + item.dataset.direction;
      badge.title = item.dataset.hint;
      badge.textContent = item.dataset.label;
      entry.appendChild(badge);
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "secondary outline remove-chosen";
      remove.textContent = say("remove", {});
      remove.setAttribute("aria-label", say("remove_name", {name: item.dataset.name}));
      remove.addEventListener("click", function () {
        box.checked = false;
        renderChosen();
        updateCost();
        applyFilter();
        filter.focus();
      });
      entry.appendChild(remove);
      chosenList.appendChild(entry);
    });
    chosenEmpty.hidden = boxes.length > 0;
  }

  function updateCost() {
    var each = parseInt(points.value, 10);
    var people = chosen();
    if (!people || !(each > 0)) {
      cost.textContent = people
        ? say(people === 1 ? "chosen_one" : "chosen_many", {count: people})
        : say("choose", {});
      return;
    }
    var total = each * people;
    var values = {each: each, count: people, total: total, left: remaining - total, remaining: remaining};
    var text = say(people === 1 ? "total_one" : "total_many", values);
    cost.textContent = total > remaining ? say("over", values) : text;
    cost.classList.toggle("over", total > remaining);
  }

  filter.addEventListener("input", applyFilter);
  var complete = document.getElementById("recipient-list").dataset.complete === "true";
  filter.addEventListener("keydown", function (event) {
    // A complete list filters as you type; a long one is searched on the server by Enter.
    if (event.key === "Enter" && complete) event.preventDefault();
  });
  form.addEventListener("change", updateCost);
  form.addEventListener("change", function (event) {
    // Only a ticked box changes who is chosen; rebuilding on the search box's change (on blur)
    // would replace a Remove button between its mousedown and its click.
    if (event.target.name === "recipients") renderChosen();
  });
  points.addEventListener("input", updateCost);
  form.addEventListener("submit", function () {
    // One click sends once; the one-time key makes any resubmit count once anyway.
    var button = document.getElementById("give-submit");
    window.setTimeout(function () { button.disabled = true; button.setAttribute("aria-busy", "true"); }, 0);
  });
  applyFilter();
  renderChosen();
  updateCost();
  // After a refused submit, take the keyboard to the first field that needs attention.
  var invalid = form.querySelector(
    "[aria-invalid=true], fieldset[aria-describedby] input:not([type=search])"
  );
  if (invalid) invalid.focus();
})();
