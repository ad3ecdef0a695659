# ui tests: vigil_add_test(...) calls
