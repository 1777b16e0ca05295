"""Reading files out of model answers: tags, fences, JSON, truncation, duplicates, prose."""

from __future__ import annotations

import json

from faibric_kernel.generation.parsing import join_continuation, parse_files


def test_file_tags_are_read_with_prose_around():
    text = ('Sure! Here is your site.\n<file path="src/App.jsx">\nexport default function App() {}\n</file>\n'
            '<file path="src/App.css">\nbody { margin: 0; }\n</file>\nEnjoy.')
    result = parse_files(text)
    assert result.format == "tags"
    assert result.files == {"src/App.jsx": "export default function App() {}\n", "src/App.css": "body { margin: 0; }\n"}
    assert result.incomplete == [] and result.prose_chars > 0


def test_missing_closing_tag_keeps_the_file_marked_incomplete():
    text = '<file path="a.js">\nconst a = 1;\n</file>\n<file path="b.js">\nconst b = 2;\nconst c'
    result = parse_files(text)
    assert result.files["b.js"].startswith("const b = 2;")
    assert result.incomplete == ["b.js"]


def test_unclosed_tag_ends_at_the_next_file_tag():
    text = '<file path="a.js">\nconst a = 1;\n<file path="b.js">\nconst b = 2;\n</file>'
    result = parse_files(text)
    assert result.files == {"a.js": "const a = 1;\n", "b.js": "const b = 2;\n"}
    assert result.incomplete == ["a.js"]


def test_duplicates_keep_the_complete_copy():
    text = ('<file path="a.js">\nconst a = 1; // complete\n</file>\n'
            '<file path="a.js">\nconst a = 1; // a longer copy that was cut off at the end because')
    result = parse_files(text)
    assert result.files["a.js"] == "const a = 1; // complete\n" and result.incomplete == []
    assert result.duplicates == ["a.js"]


def test_duplicates_both_complete_keep_the_longer():
    text = '<file path="a.js">\nshort\n</file>\n<file path="a.js">\nthe longer one\n</file>'
    assert parse_files(text).files["a.js"] == "the longer one\n"


def test_fence_inside_a_tag_is_unwrapped():
    text = '<file path="src/App.jsx">\n```jsx\nexport default 1;\n```\n</file>'
    assert parse_files(text).files["src/App.jsx"] == "export default 1;\n"


def test_fenced_blocks_with_the_path_on_the_fence():
    text = "Files:\n```jsx title=\"src/App.jsx\"\nexport default 1;\n```\n```css src/App.css\nbody{}\n```"
    result = parse_files(text)
    assert result.format == "fences"
    assert result.files == {"src/App.jsx": "export default 1;\n", "src/App.css": "body{}\n"}


def test_fenced_blocks_with_the_path_on_the_line_before():
    text = "**src/App.jsx**\n```jsx\nexport default 1;\n```\n\n### `src/content.js`\n```js\nexport default {};\n```"
    result = parse_files(text)
    assert result.files == {"src/App.jsx": "export default 1;\n", "src/content.js": "export default {};\n"}


def test_fenced_block_with_the_path_in_a_first_line_comment():
    text = "```jsx\n// src/components/Hero.jsx\nexport default function Hero() {}\n```"
    assert parse_files(text).files == {"src/components/Hero.jsx": "export default function Hero() {}\n"}


def test_unclosed_fence_is_incomplete():
    text = "```js src/a.js\nconst a = 1;\n```\n```js src/b.js\nconst b ="
    result = parse_files(text)
    assert set(result.files) == {"src/a.js", "src/b.js"} and result.incomplete == ["src/b.js"]


def test_json_object_of_files():
    text = json.dumps({"files": {"src/App.jsx": "export default 1;", "src/App.css": "body{}"}})
    result = parse_files(text)
    assert result.format == "json" and result.files["src/App.jsx"] == "export default 1;\n"


def test_json_list_of_files_inside_a_fence_with_prose():
    text = "Here you go:\n```json\n" + json.dumps([{"path": "index.html", "content": "<html></html>"}]) + "\n```\n"
    assert parse_files(text).files == {"index.html": "<html></html>\n"}


def test_plain_mapping_of_paths():
    assert parse_files(json.dumps({"src/main.jsx": "x"})).files == {"src/main.jsx": "x\n"}


def test_nothing_parseable_is_empty():
    result = parse_files("I'm sorry, I can't help with that.")
    assert not result.ok and result.format == "none"


def test_hostile_paths_are_parsed_as_written_for_the_safety_check():
    result = parse_files('<file path="../../etc/passwd">\nroot\n</file>')
    assert list(result.files) == ["../../etc/passwd"]


def test_continuation_is_joined_without_the_echoed_overlap():
    first = '<file path="a.js">\nconst alpha = "first part of the file";\n'
    second = 'const alpha = "first part of the file";\nconst beta = 2;\n</file>'
    assert join_continuation(first, second) == first + 'const beta = 2;\n</file>'


def test_continuation_without_overlap_is_appended():
    assert join_continuation("abc", "def") == "abcdef"
