"""The dense pass's kernels (AVX2 assembly where the CPU has it, pure Go elsewhere or with
NATSPIKE_KERNEL=generic) give the same numbers bit for bit, through the installed package."""

import json
import os
import subprocess
import sys

_RUN = """
import json, natspike, numpy as np
n = 37  # a tail of 1 after the 4-wide kernel
rng = np.random.default_rng(5)
w0, wstar = rng.uniform(-1 / n, 1 / n, (2, n))
rates = np.where(np.arange(n) < n // 2, 10.0, 50.0)
out = {}
for rule, eta in (("euclidean", 1.5e-6), ("natural", 2e-3), ("approximate", 1.5e-3)):
    for att in (None, np.linspace(0.3, 1.0, n)):
        r = natspike.train(rule, w0, rates, teacher=wstar, duration=5.0, eta=eta, seed=2, exact=True,
                           attenuation=att)
        out[f"{rule} {att is not None}"] = [float(v).hex() for v in r.final_weights]
        out[f"{rule} {att is not None} moved"] = float(np.abs(r.final_weights - w0).max())
print(json.dumps(out))
"""


def _run(kernel):
    env = dict(os.environ)
    env.pop("NATSPIKE_KERNEL", None)
    if kernel:
        env["NATSPIKE_KERNEL"] = kernel
    out = subprocess.run([sys.executable, "-c", _RUN], capture_output=True, text=True, timeout=300, env=env)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_generic_and_selected_dense_kernels_are_bit_identical():
    selected, generic = _run(None), _run("generic")
    for key, value in selected.items():
        if key.endswith("moved"):
            assert value > 1e-4, f"{key}: weights barely moved"
        else:
            assert value == generic[key], key
