"""Per-op profile of a Keras model on TensorFlow, for keras_peer.py.

For one training step at the run's batch size (`train_on_batch`, the step
`fit` runs), one batch-1 `predict_on_batch` and one batched call: warm-up
calls, then each repeat times one plain call (its result fetched) and one
call under `tf.profiler.experimental.start` / `stop`. The trace TensorFlow
writes (an XSpace protobuf, `*.xplane.pb`) is read with TensorFlow's own
proto module; no other package is needed.

The ops are the host plane's kernel events, named `op_name:OpType` with
the type as display name. Each becomes a call named by its type (e.g.
`_MklNativeConv2DBackpropFilterWithBias`). TensorFlow runs independent ops
at once on its inter-op threads, so their durations overlap: each op gets
the wall time it ran, shared equally with the ops running beside it, so the
op times add up to the time some op was running, never more than the wall.

The trace carries no shapes, so convolutions and matrix products get their
layer's shapes: the ops' name scopes (`model/layer/...`, with
`gradient_tape/` before the backward pass's) are matched to the model's
Conv2D and Dense layers in the order the forward pass runs them. Ops under
the optimizer's name scope (Keras 3 runs Adam as elementwise ops) are in the
`update` phase.

Imported only when a job asks for a profile.
"""

import glob
import os
import shutil
import tempfile
import time

CONV_TYPES = {"Conv2D", "FusedConv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter", "Conv2DBackpropFilterWithBias"}
DENSE_TYPES = {"MatMul", "FusedMatMul"}


def base_type(op_type):
    """The op type without TensorFlow's internal prefixes (`_Mkl`, `_MklNative`, `_`)."""
    for prefix in ("_MklNative", "_Mkl", "_"):
        if op_type.startswith(prefix):
            return op_type[len(prefix):]
    return op_type


def layer_shapes(model, batch):
    """Each Conv2D and Dense layer's input, kernel and output shapes at `batch`, by family, in order."""
    import keras

    families = {"conv": [], "dense": []}
    shape = (batch,) + tuple(model.inputs[0].shape[1:])
    for layer in model.layers:
        out = tuple(layer.compute_output_shape(shape))
        family = "conv" if isinstance(layer, keras.layers.Conv2D) else "dense" if isinstance(layer, keras.layers.Dense) else None
        if family:
            families[family].append({"x": list(shape), "w": list(layer.kernel.shape), "y": list(out)})
        shape = out
    return families


def op_shapes(op_type, name, layer):
    """The inputs' and outputs' shapes of one conv or matmul op of `layer` (TensorFlow's input order)."""
    x, w, y = layer["x"], layer["w"], layer["y"]
    base = base_type(op_type)
    if base in ("Conv2D", "FusedConv2D", "FusedMatMul") or (base == "MatMul" and not name.startswith("gradient_tape/")):
        return [x, w], [y]
    if base == "Conv2DBackpropInput":
        return [[4], w, y], [x]
    if base == "Conv2DBackpropFilter":
        return [x, [4], y], [w]
    if base == "Conv2DBackpropFilterWithBias":
        return [x, [4], y], [w, [w[-1]]]
    # The gradient of a = x·w: MatMul is dx = dy·wᵀ, MatMul_1 is dw = xᵀ·dy (tf's _MatMulGrad order).
    if name.endswith("/MatMul_1"):
        return [x, y], [w]
    return [y, w], [x]


def layer_scope(name):
    """The layer's name scope of an op (`model/layer/...`, maybe under `gradient_tape/`), or None."""
    parts = name.split("/")
    if parts[0] == "gradient_tape":
        parts = parts[1:]
    return parts[1] if len(parts) > 2 else None


def host_ops(xspace):
    """The host plane's op events: (start_ps, end_ps, op name, op type), outermost ones left out."""
    events = []
    for plane in xspace.planes:
        if not plane.name.startswith("/host:"):
            continue
        for line in plane.lines:
            found = []
            for e in line.events:
                md = plane.event_metadata[e.metadata_id]
                if md.display_name and md.name.endswith(":" + md.display_name):
                    start = line.timestamp_ns * 1000 + e.offset_ps
                    found.append((start, start + e.duration_ps, md.name[: -len(md.display_name) - 1], md.display_name))
            found.sort(key=lambda ev: (ev[0], -ev[1]))
            # An op that contains another on its own thread (a function call op) is timed by its inner ops.
            for i, ev in enumerate(found):
                if i + 1 < len(found) and found[i + 1][0] < ev[1] and found[i + 1][1] <= ev[1]:
                    continue
                events.append(ev)
    return sorted(events, key=lambda ev: (ev[0], ev[1]))


def shared_ms(events):
    """Each event's wall time in ms, each instant shared equally among the events running then."""
    times = sorted({t for ev in events for t in ev[:2]})
    ms = [0.0] * len(events)
    starts = {}
    for i, ev in enumerate(events):
        starts.setdefault(ev[0], []).append(i)
    active = set()
    for t, t_next in zip(times, times[1:]):
        active = {i for i in active if events[i][1] > t} | set(starts.get(t, []))
        if active:
            share = (t_next - t) / 1e9 / len(active)
            for i in active:
                ms[i] += share
    return ms


def xspace_calls(xspace, shapes, update_scope):
    """The op calls of one trace, in start order: {name, ms, inputShapes, outputShapes, phase?}."""
    events = host_ops(xspace)
    ms = shared_ms(events)
    order = {"conv": [], "dense": []}
    for _, _, name, op_type in events:
        family = "conv" if base_type(op_type) in CONV_TYPES else "dense" if base_type(op_type) in DENSE_TYPES else None
        scope = layer_scope(name)
        if family and scope and not name.startswith("gradient_tape/") and scope not in order[family]:
            order[family].append(scope)
    calls = []
    for (_, _, name, op_type), t in zip(events, ms):
        call = {"name": op_type, "ms": t, "inputShapes": [], "outputShapes": []}
        family = "conv" if base_type(op_type) in CONV_TYPES else "dense" if base_type(op_type) in DENSE_TYPES else None
        scope = layer_scope(name)
        if family and scope in order[family]:
            index = order[family].index(scope)
            if index < len(shapes[family]):
                call["inputShapes"], call["outputShapes"] = op_shapes(op_type, name, shapes[family][index])
        if name.startswith(update_scope + "/"):
            call["phase"] = "update"
        calls.append(call)
    return calls


def read_xspace(logdir):
    """The XSpace a profiler session wrote under `logdir`."""
    from tensorflow.tsl.profiler.protobuf import xplane_pb2

    found = glob.glob(os.path.join(logdir, "**", "*.xplane.pb"), recursive=True)
    if len(found) != 1:
        raise RuntimeError(f"expected one *.xplane.pb under {logdir}, got {len(found)}")
    xspace = xplane_pb2.XSpace()
    with open(found[0], "rb") as f:
        xspace.ParseFromString(f.read())
    return xspace


def profile_work(call, shapes, update_scope, repeats, warmup):
    """Warm-up calls and one profiled call, then `repeats` of a plain call and a profiled one.

    Returns [{wallMs, profiledWallMs, calls}]; the profiled wall is the call's
    alone, the profiler's start and stop (and the trace's export) outside it.
    """
    import tensorflow as tf

    def profiled():
        logdir = tempfile.mkdtemp(prefix="fmnist-bench-keras-trace-")
        try:
            tf.profiler.experimental.start(logdir)
            t0 = time.perf_counter()
            call()
            ms = (time.perf_counter() - t0) * 1000.0
            tf.profiler.experimental.stop()
            return ms, xspace_calls(read_xspace(logdir), shapes, update_scope)
        finally:
            shutil.rmtree(logdir, ignore_errors=True)

    for _ in range(warmup):
        call()
    profiled()  # the profiler's own first session, left out
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        call()
        wall_ms = (time.perf_counter() - t0) * 1000.0
        profiled_ms, calls = profiled()
        out.append({"wallMs": wall_ms, "profiledWallMs": profiled_ms, "calls": calls})
    return out


def profile_model(model, batch, one, big, settings, gpu):
    """The model's three profiles, each {batchSize, repeats} or {notMeasured}.

    `batch` is one training batch (images, one-hot labels) at the run's batch
    size; `one` and `big` the batch-1 and batched inference inputs. The
    training step changes the weights: profile after everything else.
    """
    import numpy as np

    works = {
        "trainStep": (len(batch[0]), lambda: model.train_on_batch(batch[0], batch[1])),
        "batch1": (len(one), lambda: np.asarray(model.predict_on_batch(one))),
        "batched": (len(big), lambda: np.asarray(model.predict_on_batch(big))),
    }
    if gpu:
        why = "the profile reads the host's op events; on a GPU they time kernel launches, not kernels"
        return {work: {"notMeasured": why} for work in works}
    scope = model.optimizer.name
    profiles = {}
    for work, (size, call) in works.items():
        shapes = layer_shapes(model, size)
        repeats = profile_work(call, shapes, scope, settings["repeats"], settings["warmup"])
        profiles[work] = {"batchSize": size, "repeats": repeats}
    return profiles
