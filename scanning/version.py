ENGINE_VERSION = "cg-builtin 1.0"
