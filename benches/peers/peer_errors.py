"""The one error type of the peer comparison: bad or missing input, named by file and problem."""


class PeerInputError(Exception):
    """An input file is missing, unreadable or holds values the comparison does not define.

    The message is one line: the path, then what is wrong with it.
    """

    def __init__(self, path, problem):
        super().__init__(f"{path}: {problem}")
        self.path = str(path)
        self.problem = problem
