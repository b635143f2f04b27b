"""Developer tools inside the package: driving a real browser for the docs screenshots.

Code here may import the development requirements (requirements-dev.txt: Playwright); the app never imports it.
"""
