import assert from "node:assert/strict";
import { requireTool, TOOLS } from "./setup_tools.ts";

Deno.test("requireTool names a missing compiler and how to install it", async () => {
  await assert.rejects(
    requireTool(
      TOOLS.cxx,
      "no-such-cxx-fmnist",
      "to compile tfjs-node's binding",
    ),
    {
      name: "SetupError",
      message: "missing tool: no-such-cxx-fmnist (to compile tfjs-node's binding); " +
        "install a C++ compiler: apt-get install g++",
    },
  );
});

Deno.test("requireTool names a Python without pip", async () => {
  await assert.rejects(
    requireTool(
      TOOLS.pip,
      "no-such-python-fmnist",
    ),
    {
      message:
        "missing tool: no-such-python-fmnist -m pip; install pip: apt-get install python3-pip",
    },
  );
});
