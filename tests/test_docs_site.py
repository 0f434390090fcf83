"""The documentation site (``make docs``) as a browser shows it, and the user-facing text it is cited by.

The built pages are served from a loopback HTTP server and opened in headless
Chromium (installed by ``.ci/setup-debian``); a small checker page served next
to them loads each page in a same-origin frame and reports what the browser
rendered: the API reference's entries, whether each entry's page loads, and
the natural size of every image. ``make test`` builds the site before pytest
runs; a missing site is built here with ``make docs``.
"""

import functools
import html
import http.server
import importlib
import json
import os
import re
import subprocess
import tempfile
import threading
import urllib.parse
from pathlib import Path

import natspike
import natspike.experiments
import natspike.plotting
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "docs" / "_build" / "html"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CHROMIUM = os.environ.get("NATSPIKE_CHROMIUM", "/usr/bin/chromium")

# The checker page holds one same-origin iframe per page to inspect, so that its load event fires only
# once every page and its images have loaded; its onload handler then writes, synchronously (before
# Chromium dumps the DOM), what the browser rendered into <pre id="result"> as JSON: per page the
# images with their natural size, the API entries (titles of the autosummary links) with their
# one-line summaries, the ids of documented objects, with ?fetch=1 the HTTP status of each entry's
# page and with ?text=1 the page's text.
CHECKER_SCRIPT = """
window.onload = () => {
  const params = new URLSearchParams(location.search);
  const fetchLinks = params.get("fetch") === "1";
  const result = {};
  for (const frame of document.querySelectorAll("iframe")) {
    const doc = frame.contentDocument;
    const out = {title: doc.title, images: Array.from(doc.images).map(i => ({src: i.getAttribute("src"),
        width: i.naturalWidth, height: i.naturalHeight}))};
    const links = Array.from(doc.querySelectorAll("table.autosummary td:first-child a.reference.internal[title]"));
    out.entries = links.map(a => a.title);
    out.documented = Array.from(doc.querySelectorAll("dt[id]")).map(e => e.id);
    if (params.get("text") === "1") { out.text = doc.body.innerText; }
    out.summaries = Object.fromEntries(links.map(a => [a.title, a.closest("tr").cells[1].innerText.trim()]));
    if (fetchLinks) {
      out.status = {};
      for (const a of links) {
        const request = new XMLHttpRequest();
        request.open("GET", a.href, false);
        request.send();
        out.status[a.title] = request.status;
      }
    }
    result[frame.dataset.page] = out;
  }
  document.getElementById("result").textContent = JSON.stringify(result);
};
"""


def checker_page(pages):
    frames = "".join(f'<iframe data-page="{html.escape(p)}" src="/{html.escape(p)}" width="1200" height="900"></iframe>'
                     for p in pages)  # fmt: skip
    return f'<!doctype html><html><body><pre id="result">pending</pre>{frames}<script>{CHECKER_SCRIPT}</script></body></html>'


def _handler(site):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self):
            url = urllib.parse.urlparse(self.path)
            if url.path == "/__check.html":
                pages = urllib.parse.parse_qs(url.query)["pages"][0].split(",")
                body = checker_page(pages).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                super().do_GET()

        def log_message(self, *args):
            pass

    return functools.partial(Handler, directory=str(site))


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):  # Chromium drops connections it no longer needs
        pass


@pytest.fixture(scope="module")
def site():
    """The built site (built here if missing), served on a loopback port."""
    if not (SITE / "index.html").exists():
        subprocess.run(["make", "docs"], cwd=ROOT, check=True)
    server = QuietServer(("127.0.0.1", 0), _handler(SITE))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join()


def chromium(*args, timeout=180):
    """Run headless Chromium with a throw-away profile; every host but 127.0.0.1 fails to resolve.

    So the pages are tested as offline: anything they would fetch from elsewhere fails at once.
    """
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} not found: run .ci/setup-debian (or set NATSPIKE_CHROMIUM)")
    with tempfile.TemporaryDirectory() as profile:
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                 f"--user-data-dir={profile}"]  # fmt: skip
        done = subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def rendered(base, pages, fetch=False, text=False):
    """What Chromium rendered for each page (a path relative to the site root), via the checker page."""
    url = f"{base}/__check.html?pages={','.join(pages)}&fetch={int(fetch)}&text={int(text)}"
    dom = chromium("--dump-dom", url)
    match = re.search(r'<pre id="result">(.*?)</pre>', dom, re.S)
    assert match and match.group(1) != "pending", f"checker page did not finish: {dom[:500]}"
    return json.loads(html.unescape(match.group(1)))


def public_names(module):
    return {f"{module.__name__}.{n}" for n in module.__all__ if not n.startswith("_")} - {
        "natspike.experiments",
        "natspike.plotting",
    }


def test_api_page_lists_every_public_name_and_each_entry_loads(site):
    want = set().union(*(public_names(m) for m in (natspike, natspike.experiments, natspike.plotting)))
    assert len(want) > 50  # the three modules export dozens of names; an empty __all__ would pass trivially
    page = rendered(site, ["api/index.html"], fetch=True)["api/index.html"]
    got = set(page["entries"])
    assert want <= got, f"missing from the API page: {sorted(want - got)}"
    assert got <= want, f"on the API page but not exported: {sorted(got - want)}"
    assert all(status == 200 for status in page["status"].values()), page["status"]
    # Every entry has its own summary: a constant re-exported from a private module must not show the
    # docstring of its type ("Convert a string or number to a floating point number...").
    for name, summary in page["summaries"].items():
        module, _, attr = name.rpartition(".")
        type_doc = (type(getattr(importlib.import_module(module), attr)).__doc__ or "").strip()
        assert summary and not type_doc.startswith(summary.rstrip(".")), f"{name}: summary {summary!r}"


def test_class_pages_document_every_public_member(site):
    """Methods and properties get their own entry; data attributes (slots) appear in the Attributes section."""
    classes = [getattr(natspike, n) for n in natspike.__all__ if isinstance(getattr(natspike, n), type)]
    pages = {c: f"api/generated/natspike.{c.__name__}.html" for c in classes}
    result = rendered(site, list(pages.values()), text=True)
    checked = 0
    for c, page in pages.items():
        for name, member in vars(c).items():
            if name.startswith("_"):
                continue
            checked += 1
            if callable(member) or isinstance(member, (property, classmethod, staticmethod)):
                assert f"natspike.{c.__name__}.{name}" in result[page]["documented"], f"{page}: no entry for {name}"
            else:
                assert re.search(rf"\b{name}\b", result[page]["text"]), f"{page}: {name} not described"
    assert checked > 10  # Neuron and Result have methods, properties and attributes


def test_notebook_pages_render_their_figures(site):
    pages = [f"notebooks/{p.stem}.html" for p in NOTEBOOKS]
    assert pages
    result = rendered(site, pages)
    for path in pages:
        images = result[path].get("images")
        assert images, f"{path}: no figure rendered ({result[path]})"
        broken = [i for i in images if i["width"] == 0 or i["height"] == 0]
        assert not broken, f"{path}: images without content {broken}"


def test_gallery_shows_every_gallery_png(site):
    want = {p.name for p in (ROOT / "notebooks" / "gallery").glob("*.png")}
    assert want
    images = rendered(site, ["gallery.html"])["gallery.html"]["images"]
    shown = {Path(i["src"]).name for i in images if i["width"] > 0 and i["height"] > 0}
    assert want <= shown, f"not shown: {sorted(want - shown)}"


def test_equations_render_offline_with_the_mathjax_shipped_in_the_site(site):
    """Every page with formulas loads MathJax from the site itself, and in Chromium, where every host but
    127.0.0.1 fails to resolve (no network), each formula of the model page becomes MathJax output: as
    many ``mjx-container`` elements as formulas, none left as TeX text, no TeX error (``mjx-merror``)."""
    pages = [p for p in SITE.rglob("*.html") if 'class="math notranslate nohighlight"' in p.read_text()]
    assert len(pages) >= 5  # the user guide's pages and the API pages of the Fisher functions
    for page in pages:
        sources = [
            src for src in re.findall(r'<script[^>]*src="([^"]*)"', page.read_text()) if "mathjax" in src.lower()
        ]
        assert [src.split("_static/")[-1].split("?")[0] for src in sources] == ["mathjax/tex-mml-chtml.js"], sources
    source = (SITE / "guide" / "model.html").read_text()
    formulas = source.count('class="math notranslate nohighlight"')
    assert formulas > 20  # the model page is mostly equations
    # The budget lets MathJax finish typesetting (it runs after the load event) before the DOM is dumped.
    dom = chromium("--virtual-time-budget=30000", "--dump-dom", f"{site}/guide/model.html")
    assert dom.count("<mjx-container") == formulas, (dom.count("<mjx-container"), formulas)
    assert "<mjx-merror" not in dom


def test_screenshot_of_a_notebook_page_is_not_blank(site, tmp_path):
    """A rendered page has ink: the PNG Chromium writes is neither tiny nor a single colour."""
    shot = tmp_path / "page.png"
    chromium(f"--screenshot={shot}", "--window-size=1200,1600", f"{site}/notebooks/figure4_dendritic_democracy.html")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000, len(data)


# --- user-facing text cites the paper or the user guide, never the internal spec ------------------------------------


def user_texts():
    """(label, text) of what users read: the installed package, README, docs sources, notebooks, Go doc comments."""
    package = Path(natspike.__file__).resolve().parent
    files = [p for p in package.rglob("*") if p.is_file() and p.suffix in (".py", ".pyi", ".txt", ".json", ".md")]
    files += [ROOT / "README.md", *(p for p in (ROOT / "docs").rglob("*.md") if "_build" not in p.parts)]
    files += [p for d in ("core", "capi", "bindings", "internal") for p in (ROOT / d).rglob("*.go")]
    texts = [(str(p), p.read_text(errors="replace")) for p in files if not p.name.endswith("_test.go")]
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        texts += [(f"{path.name} cell {i}", cell.source) for i, cell in enumerate(nb.cells)]
    return texts


def test_no_user_facing_text_cites_the_internal_spec():
    texts = user_texts()
    assert any("_train.py" in label for label, _ in texts)  # the installed sources were found
    hits = [f"{label}: {line.strip()}" for label, text in texts for line in text.splitlines() if "spec §" in line]
    assert not hits, "\n".join(hits)


def test_user_guide_sections_cited_in_docstrings_exist(site):
    cited = {m for _, text in user_texts() for m in re.findall(r'user guide, \\?"([^"\\]+)\\?"', text)}
    assert "Input protocols" in cited  # the pattern matches the citations it is meant to
    headings = set()
    for page in (SITE / "guide").glob("*.html"):
        for h in re.findall(r"<h[1-3]>(.*?)<a class=\"headerlink\"", page.read_text(), re.S):
            headings.add(html.unescape(re.sub(r"<[^>]+>", "", h)).strip().replace("\u2019", "'"))  # smart quotes
    missing = sorted(cited - headings)
    assert not missing, f"cited but not a section of the user guide: {missing}"


def test_docs_extra_installs_the_documentation_requirements():
    """``pip install natspike[docs]`` gets what ``make docs`` installs from docs/requirements.txt."""
    tomllib = pytest.importorskip("tomllib")  # Python >= 3.11
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["docs"]
    lines = (ROOT / "docs" / "requirements.txt").read_text().splitlines()
    assert sorted(extra) == sorted(line for line in lines if line and not line.startswith("#"))
    assert any(r.startswith("django-static-mathjax") for r in extra)


def test_gallery_captions_state_the_readme_gallery_sizes():
    """The README's gallery table and docs/gallery.md both say which figures are not at default size."""
    readme = (ROOT / "README.md").read_text()
    gallery = (ROOT / "docs" / "gallery.md").read_text()
    cells = re.findall(r"\]\(notebooks/gallery/(\w+)\.png\) [^|(]*(\([^)|]*\))?", readme)
    assert len(cells) == len(list((ROOT / "notebooks" / "gallery").glob("*.png")))
    for png, note in cells:
        block = re.search(rf"```{{figure}} \.\./notebooks/gallery/{png}\.png\n(.*?)```", gallery, re.S)
        assert block, f"{png}.png is not in docs/gallery.md"
        inner = note.strip("()")
        assert (inner in block.group(1)) if note else ("size:" not in block.group(1)), (png, note)


def test_numbers_in_the_differences_page_are_what_natspike_computes():
    """The measured numbers of docs/guide/differences.md, recomputed by the commands printed next to them."""
    page = (ROOT / "docs" / "guide" / "differences.md").read_text()
    lookup = re.findall(r"`natspike\.coefficients\(0, ([\d.]+), ([\d.]+)\)`[^|]*\| ([\d.]+) \| ([\d.]+) \|", page)
    assert len(lookup) == 2
    for var, q, gamma_s, g4 in lookup:
        c = natspike.coefficients(0.0, float(var), float(q))
        assert f"{float(c.gamma_s):.4f}" == gamma_s and f"{float(c.g4):.6f}" == g4, (var, float(c.gamma_s), float(c.g4))
    figure4 = re.findall(r"`figure4\(([^`]*)\)`\) \| \+([\d.]+) % \|", page)
    assert len(figure4) == 2
    for args, percent in figure4:
        kwargs = dict(re.findall(r'(\w+)=("?\w+"?)', args))
        kwargs = {k: (v.strip('"') if v.startswith('"') else v == "True") for k, v in kwargs.items()}
        ds = natspike.experiments.figure4(**kwargs)
        assert float(ds.relative_change.max() - ds.relative_change.min()) < 1e-9  # the same for every attenuation
        assert f"{float(ds.relative_change.mean()):.3f}" == percent, (args, float(ds.relative_change.mean()))
