// The interface's words for page scripts, in the page's language. The server renders them
// (kb/web/i18n.py BROWSER_STRINGS) into <script id="kb-strings">; scripts never hold English
// of their own, so the message catalogs stay the one place a translator looks.

let table = null;

function strings() {
  if (table === null) {
    const block = document.getElementById("kb-strings");
    try {
      table = block ? JSON.parse(block.textContent) : {};
    } catch (_) {
      table = {};
    }
  }
  return table;
}

function fill(text, values) {
  return text.replace(/%\((\w+)\)s/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

// t("no_results") or t("greeting", {name: "Ana"}); an unknown key shows as itself.
export function t(key, values = {}) {
  const text = strings()[key];
  return fill(text === undefined ? key : text, values);
}

// plural("suggested", 3, {count: 3}): the "<key>.one" or "<key>.other" string, chosen by the
// page language's own plural rules (French counts 0 as one, English does not).
export function plural(key, count, values = {}) {
  const lang = document.documentElement.lang || "en";
  let form = "other";
  try {
    form = new Intl.PluralRules(lang).select(count) === "one" ? "one" : "other";
  } catch (_) {
    form = count === 1 ? "one" : "other";
  }
  return t(`${key}.${form}`, { count, ...values });
}
