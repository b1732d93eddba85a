"""The checker: runs the setup and test cells of a submission in a process of its own.

`execute` is the nbgrader step that sends each cell to the right kernel; `kernel` is the checker's kernel;
`remote` brings the student's names, calls and results across as data; `models` checks Keras models before
they are loaded.
"""
