"""Keras peer of fmnist-bench.

Trains one CNN of a fmnist-bench ModelSpec with Keras 3 on TensorFlow, on
data that the Deno side prepared (the same images, split and per-epoch order
as `train-all`), and measures it the same way: training seconds per epoch
(model.fit only), validation after each epoch outside the clock, test
accuracy and confusion matrix, batch-1 latency percentiles and batched
throughput.

Usage: python keras_peer.py JOB.json

JOB.json (written by src/peer/keras_job.ts) names the data folder, the spec, the
sizes and settings, the Keras backend ("kerasBackend": tensorflow, the
default, jax or torch), and the output file. Progress goes to stdout as JSON
lines; the run record (the `runs[]` entry of results.json) is written to the
output file atomically. TensorFlow is imported only on the tensorflow
backend: on jax and torch the script needs Keras, numpy and that framework.

A job with "profile": {"repeats", "warmup"} adds the run's per-op profiles
(keras_profile.py, beside this script, read only then) under "profile".

A job with "mode": "probe" imports Keras on the named backend and prints one
JSON line: the versions and the device the framework computes on.
"""

import json
import os
import sys
import time


def log(event):
    print(json.dumps(event), flush=True)


class HostMemory:
    """The process's resident memory, as the TF.js side reads it: VmRSS and
    VmHWM from /proc/self/status, the peak reset by writing 5 to
    /proc/self/clear_refs; where /proc is absent, resource.getrusage's
    ru_maxrss (the process's peak, never reset)."""

    def __init__(self):
        self.method = "VmHWM"
        try:
            self.field("VmHWM")
            self.reset()
        except OSError:
            self.method = "ru_maxrss"

    @staticmethod
    def field(name):
        with open("/proc/self/status", encoding="utf-8") as f:
            for line in f:
                if line.startswith(name + ":"):
                    return int(line.split()[1]) * 1024
        raise OSError(f"/proc/self/status has no {name} line")

    def rss(self):
        return self.field("VmRSS") if self.method == "VmHWM" else self.peak()

    def peak(self):
        if self.method == "VmHWM":
            return self.field("VmHWM")
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    def reset(self):
        if self.method != "ru_maxrss":
            with open("/proc/self/clear_refs", "w", encoding="utf-8") as f:
                f.write("5")


def device_peak_bytes(backend, gpu):
    """Peak device memory the framework allocated, or why it is not measured."""
    if not gpu:
        return {"notMeasured": "Keras computes on the CPU: its memory is the host figure"}
    try:
        if backend == "jax":
            import jax

            stats = jax.devices()[0].memory_stats() or {}
            if "peak_bytes_in_use" in stats:
                return {"peakBytes": int(stats["peak_bytes_in_use"]), "method": "jax memory_stats()['peak_bytes_in_use']"}
            return {"notMeasured": "jax memory_stats() has no peak_bytes_in_use on this device"}
        if backend == "torch":
            import torch

            return {"peakBytes": int(torch.cuda.max_memory_allocated()), "method": "torch.cuda.max_memory_allocated()"}
        import tensorflow as tf

        return {"peakBytes": int(tf.config.experimental.get_memory_info("GPU:0")["peak"]), "method": "tf.config.experimental.get_memory_info('GPU:0')['peak']"}
    except Exception as error:  # a framework without the counter: say so
        return {"notMeasured": f"the framework's peak device memory could not be read: {error}"}


def ceiling(threads):
    """Best of 5 fp32 GFLOP/s of a large 3x3 conv (14x14, 256->512 channels, batch 256)."""
    import numpy as np
    import tensorflow as tf

    if threads["intraOp"] != "default":
        tf.config.threading.set_intra_op_parallelism_threads(int(threads["intraOp"]))
    if threads["interOp"] != "default":
        tf.config.threading.set_inter_op_parallelism_threads(int(threads["interOp"]))
    x = tf.constant(np.random.default_rng(0).random((256, 14, 14, 256), dtype=np.float32))
    w = tf.constant(np.random.default_rng(1).random((3, 3, 256, 512), dtype=np.float32))
    flops = 2 * 256 * 14 * 14 * 512 * 256 * 9
    conv = tf.function(lambda: tf.nn.conv2d(x, w, 1, "SAME"))
    conv().numpy()
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        conv().numpy()
        best = min(best, time.perf_counter() - t0)
    print(json.dumps({"type": "ceiling", "gflops": flops / best / 1e9, "flops": flops, "seconds": best}))


def framework(backend):
    """The framework under Keras: its version and the device it computes on.

    Returns {"version", "device", "gpu"}: the device in words, and whether it
    is a GPU. Imports only the named framework.
    """
    if backend == "jax":
        import jax

        devices = jax.devices()
        gpus = [d for d in devices if d.platform in ("gpu", "cuda", "rocm")]
        d = (gpus or devices)[0]
        return {"version": jax.__version__, "device": f"{d.platform}:{d.id} {d.device_kind}", "gpu": bool(gpus)}
    if backend == "torch":
        import torch

        if torch.cuda.is_available():
            name = torch.cuda.get_device_name(0)
            return {"version": torch.__version__, "device": f"cuda:0 {name} (CUDA {torch.version.cuda})", "gpu": True}
        return {"version": torch.__version__, "device": "cpu (torch.cuda.is_available() is False)", "gpu": False}
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    return {"version": tf.__version__, "device": gpus[0].name if gpus else "CPU", "gpu": bool(gpus)}


def probe(backend):
    """Imports Keras on `backend` and prints its versions and device as one JSON line."""
    os.environ["KERAS_BACKEND"] = backend
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    found = framework(backend)
    print(json.dumps({
        "type": "probe",
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "backendVersion": found["version"],
        "device": found["device"],
        "gpu": found["gpu"],
        "python": sys.version.split()[0],
    }), flush=True)


def profile(job, backend, gpu, model, train_x, train_y, one, big):
    """Per-op profiles of a training step, a batch-1 and a batched call (keras_profile.py)."""
    works = ("trainStep", "batch1", "batched")
    if backend != "tensorflow":
        return {w: {"notMeasured": f"the profile reads TensorFlow's profiler; Keras runs on {backend}"} for w in works}
    import numpy as np
    from keras_profile import profile_model  # beside this script; imported only when asked for

    n = job["batchSize"]
    reps = -(-n // len(train_x))
    batch = (np.tile(train_x, (reps, 1, 1, 1))[:n], np.tile(train_y, (reps, 1))[:n])
    log({"type": "profile-start", "model": job["spec"]["name"]})
    return profile_model(model, batch, one, big, job["profile"], gpu)


def main(job_path):
    with open(job_path, encoding="utf-8") as f:
        job = json.load(f)
    if job.get("mode") == "ceiling":
        ceiling(job["threads"])
        return
    if job.get("mode") == "probe":
        probe(job["kerasBackend"])
        return
    threads = job["threads"]
    if threads["intraOp"] != "default":
        os.environ["TF_NUM_INTRAOP_THREADS"] = str(threads["intraOp"])
    if threads["interOp"] != "default":
        os.environ["TF_NUM_INTEROP_THREADS"] = str(threads["interOp"])
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    backend = job.get("kerasBackend", "tensorflow")
    os.environ["KERAS_BACKEND"] = backend

    import numpy as np
    import keras

    if backend == "tensorflow":
        import tensorflow as tf

        if threads["intraOp"] != "default":
            tf.config.threading.set_intra_op_parallelism_threads(int(threads["intraOp"]))
        if threads["interOp"] != "default":
            tf.config.threading.set_inter_op_parallelism_threads(int(threads["interOp"]))
    found = framework(backend)
    # Cold start: process start (the parent's spawn) to a framework that has computed once.
    np.asarray(keras.ops.matmul(keras.ops.ones((2, 2)), keras.ops.ones((2, 2))))
    backend_load_seconds = (time.time() * 1000.0 - job["spawnedAtMs"]) / 1000.0
    keras.utils.set_random_seed(job["seed"])

    data_dir = job["dataDir"]

    def images(name):
        raw = np.fromfile(os.path.join(data_dir, f"{name}-images.u8"), dtype=np.uint8)
        return (raw.reshape(-1, 28, 28, 1).astype(np.float32) / 255.0)

    def labels(name):
        raw = np.fromfile(os.path.join(data_dir, f"{name}-labels.u8"), dtype=np.uint8)
        return raw.astype(np.int64)

    def one_hot(y):
        return np.eye(10, dtype=np.float32)[y]

    train_x, train_y = images("train"), labels("train")
    val_x, val_y = images("validation"), labels("validation")
    test_x, test_y = images("test"), labels("test")

    memory = HostMemory()
    baseline_bytes = memory.rss()
    memory.reset()
    build_t0 = time.perf_counter()
    spec = job["spec"]
    layers = [keras.Input(shape=(28, 28, 1))]
    for filters in spec["convFilters"]:
        layers.append(keras.layers.Conv2D(filters, spec["kernelSize"], padding="same", activation="relu"))
        layers.append(keras.layers.MaxPooling2D(pool_size=spec["poolSize"], strides=spec["poolSize"]))
    layers.append(keras.layers.Flatten())
    for i, units in enumerate(spec["denseUnits"]):
        layers.append(keras.layers.Dense(units, activation="relu"))
        if i == len(spec["denseUnits"]) - 1 and spec["dropout"] > 0:
            layers.append(keras.layers.Dropout(spec["dropout"]))
    layers.append(keras.layers.Dense(10, activation="softmax"))
    model = keras.Sequential(layers, name=spec["name"])
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=job["learningRate"]),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    params = int(model.count_params())
    model_build_seconds = time.perf_counter() - build_t0

    epochs = []
    for epoch in range(1, job["epochs"] + 1):
        wall0 = time.perf_counter()
        order = np.fromfile(os.path.join(data_dir, f"order-{epoch}.i32"), dtype=np.int32)
        x, y = train_x[order], one_hot(train_y[order])  # gathered outside the clock
        # The parent reads its energy meter at these two lines, just outside the clock.
        log({"type": "train-start", "epoch": epoch})
        t0 = time.perf_counter()
        history = model.fit(x, y, batch_size=job["batchSize"], epochs=1, shuffle=False, verbose=0)
        seconds = time.perf_counter() - t0
        log({"type": "trained", "epoch": epoch})
        val_loss, val_acc = model.evaluate(val_x, one_hot(val_y), batch_size=1024, verbose=0)
        record = {
            "epoch": epoch,
            "trainSeconds": seconds,
            "imagesPerSecond": len(order) / seconds,
            "loss": float(history.history["loss"][0]),
            "accuracy": float(history.history["accuracy"][0]),
            "valLoss": float(val_loss),
            "valAccuracy": float(val_acc),
            "numTensors": 0,
            "wallSeconds": time.perf_counter() - wall0,
        }
        epochs.append(record)
        log({"type": "epoch", "model": spec["name"], "record": record, "epochs": job["epochs"]})

    training_peak_bytes = memory.peak()
    device_memory = device_peak_bytes(backend, found["gpu"])
    memory.reset()
    test_loss, _ = model.evaluate(test_x, one_hot(test_y), batch_size=1024, verbose=0)
    predicted = np.argmax(model.predict(test_x, batch_size=1024, verbose=0), axis=1)
    confusion = np.zeros((10, 10), dtype=np.int64)
    np.add.at(confusion, (test_y, predicted), 1)

    inference = job["inference"]
    one = test_x[:1]
    reps = -(-inference["batchSize"] // len(test_x))
    big = np.tile(test_x, (reps, 1, 1, 1))[: inference["batchSize"]]

    def time_once(batch):
        t0 = time.perf_counter()
        np.asarray(model.predict_on_batch(batch))
        return (time.perf_counter() - t0) * 1000.0

    first_prediction_ms = time_once(one)
    for _ in range(1, inference["warmup"]):
        time_once(one)
    single = [time_once(one) for _ in range(inference["runs"])]
    time_once(big)
    batched = [time_once(big) for _ in range(inference["batchedRuns"])]

    def throughput(size, samples):
        return {
            "batchSize": size,
            "imagesPerSecond": size / (float(np.percentile(samples, 50)) / 1000.0),
            "runs": len(samples),
            "samplesMs": [float(x) for x in samples],
        }

    # Further batch sizes (e.g. 128 beside 1,024), each timed as the main one.
    more_batches = []
    for size in inference.get("moreBatchSizes", []):
        x = test_x[:size]
        time_once(x)
        more_batches.append(throughput(size, [time_once(x) for _ in range(inference["batchedRuns"])]))

    run = {
        "model": spec["name"],
        "backend": "keras",
        "params": params,
        "flopsPerImage": job["flopsPerImage"],
        "epochs": epochs,
        "test": {
            "accuracy": float(np.mean(predicted == test_y)),
            "loss": float(test_loss),
            "count": int(len(test_y)),
            "confusion": confusion.tolist(),
        },
        "inference": {
            "batch1": {
                "p50Ms": float(np.percentile(single, 50)),
                "p90Ms": float(np.percentile(single, 90)),
                "p95Ms": float(np.percentile(single, 95)),
                "p99Ms": float(np.percentile(single, 99)),
                "minMs": float(min(single)),
                "runs": inference["runs"],
                "samplesMs": [float(x) for x in single],
            },
            "batched": throughput(inference["batchSize"], batched),
            **({"moreBatches": more_batches} if more_batches else {}),
        },
        # The rest of the measures (time to accuracy, the first epoch's extra time, energy) are
        # worked out by the parent from the epochs and its meter, as on the TF.js side.
        "measured": {
            "host": {
                "method": memory.method,
                "baselineBytes": baseline_bytes,
                "trainingPeakBytes": training_peak_bytes,
                "inferencePeakBytes": memory.peak(),
            },
            "device": device_memory,
            "backendLoadSeconds": backend_load_seconds,
            "modelBuildSeconds": model_build_seconds,
            "firstPredictionMs": first_prediction_ms,
        },
        "versions": {
            "keras": keras.__version__,
            "backend": backend,
            "backendVersion": found["version"],
            "device": found["device"],
            "gpu": found["gpu"],
            "python": sys.version.split()[0],
            **({"tensorflow": found["version"]} if backend == "tensorflow" else {}),
        },
    }
    if job.get("profile"):
        run["profile"] = profile(job, backend, found["gpu"], model, train_x, one_hot(train_y), one, big)
    tmp = job["out"] + f".tmp-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(run, f)
    os.replace(tmp, job["out"])
    log({"type": "model-done", "model": spec["name"]})


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: keras_peer.py JOB.json", file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1])
