"""Code exercises: a starter file per exercise, and a checker that runs the learner's code in a
child process against reference implementations (`reader practice list|start|check`)."""
