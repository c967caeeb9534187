// The staff content list: the search box narrows the list as you type. Without this script the
// page still works: the filters are a GET form and the table is rendered on the server.
//
// Each pause in typing fetches the same address the form would submit (with a header asking for
// the table alone), swaps the table in and puts the address in the location bar, so the narrowed
// list can be bookmarked or reloaded.

const TYPING_DELAY_MS = 150;

const form = document.querySelector("[data-content-filter]");
const input = form && form.querySelector("[data-content-search]");
const results = document.querySelector("[data-content-results]");
const back = document.querySelector("#bulk-form input[name=back]");

let timer = null;
let latest = 0;

function addressFor() {
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(form)) {
    const defaults = { sort: "updated" };
    if (value !== "" && defaults[name] !== value) params.append(name, value);
  }
  params.delete("page"); // a new search starts on its first page
  const query = params.toString();
  return `${form.action}${query ? `?${query}` : ""}`;
}

async function refresh() {
  const address = addressFor();
  const asked = ++latest;
  let response;
  try {
    response = await fetch(address, { headers: { "X-Requested-With": "content-list" }, credentials: "same-origin" });
  } catch {
    return; // offline: the form still submits on Enter
  }
  if (asked !== latest || !response.ok) return; // a later keystroke won, or the server refused
  results.innerHTML = await response.text();
  history.replaceState(null, "", address);
  if (back) back.value = address.slice(form.action.length) || "?";
}

if (form && input && results) {
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, TYPING_DELAY_MS);
  });
}
