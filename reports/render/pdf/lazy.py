"""A platypus story that is produced while the document is laid out: ReportLab's build loop only
asks for the first flowable, deletes it and sometimes puts a split part back, so a list-like
front over a generator keeps only a few flowables in memory, whatever the number of findings."""

from collections import deque


class LazyStory:
    def __init__(self, flowables):
        self.source = iter(flowables)
        self.buffer = deque()

    def _fill(self) -> bool:
        if not self.buffer:
            try:
                self.buffer.append(next(self.source))
            except StopIteration:
                return False
        return True

    def __len__(self):
        return len(self.buffer) if not self._fill() else max(1, len(self.buffer))

    def __bool__(self):
        return self._fill()

    def __getitem__(self, index):
        while len(self.buffer) <= index:
            try:
                self.buffer.append(next(self.source))
            except StopIteration:
                raise IndexError(index) from None
        return self.buffer[index]

    def __delitem__(self, index):
        if index != 0:
            raise IndexError("only the first flowable is ever removed")
        self._fill()
        self.buffer.popleft()

    def pop(self, index=0):
        item = self[index]
        del self[index]
        return item

    def __setitem__(self, index, items):
        """`story[0:0] = parts`: split parts go back to the front (what ReportLab does)."""
        if not (isinstance(index, slice) and index.start in (0, None) and index.stop == 0):
            raise IndexError("only the front of the story is ever changed")
        self.buffer.extendleft(reversed(list(items)))

    def insert(self, index, item):
        if index != 0:
            raise IndexError("only the front of the story is ever changed")
        self.buffer.appendleft(item)

    def __iter__(self):
        while self._fill():
            yield self.buffer.popleft()
