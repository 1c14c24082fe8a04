"""PIPELINE: the orchestrator that runs the stages, here or on workers, once or watching feeds."""
