# -*- Python -*-
import os

import lit.formats
from lit.llvm import llvm_config

config.name = "XGRAD"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.xgrad_obj_root, "test")
config.excludes = ["CMakeLists.txt", "README.md", "lit.cfg.py", "lit.site.cfg.py", "Inputs",
                   "Fuzz"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%xgrad_obj_root", config.xgrad_obj_root))
config.substitutions.append(("%inputs", os.path.join(config.test_source_root, "Integration", "Inputs")))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP", "ASAN_OPTIONS",
                                     "UBSAN_OPTIONS", "LSAN_OPTIONS"])
# The compile cache of the tools under test: utils/test.sh gives every run a fresh one; a lit
# run of its own keeps it in the build tree, never in the user's ~/.cache.
config.environment["XGRAD_CACHE_DIR"] = os.environ.get(
    "XGRAD_CACHE_DIR", os.path.join(config.test_exec_root, "compile-cache"))
llvm_config.use_default_substitutions()
# Data-parallel runs: root in CI needs --allow-run-as-root, two ranks on any machine
# --oversubscribe; `timeout` turns a hang (a rank waiting for ever) into a failure.
config.substitutions.append(
    ("%mpirun", "timeout 120 mpirun --allow-run-as-root --oversubscribe"))

tool_dirs = [config.xgrad_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(["xgrad-opt", "xgrad-run", "split-file", "not"], tool_dirs)
