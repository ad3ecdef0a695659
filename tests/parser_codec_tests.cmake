# parser_codec tests: vigil_add_test(...) calls
