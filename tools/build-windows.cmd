@echo off
rem Builds the Windows bundle of «Инциденты» in one command, from the checkout's folder:
rem     tools\build-windows.cmd            the program (a window program, no console window)
rem     tools\build-windows.cmd console    the console build for diagnostics
rem Needs Python 3.11 or newer (the «py» launcher of python.org's installer) and the Internet
rem (PyPI) the first time. Result: dist\Incidents\ and dist\Incidents-<version>.zip
rem (dist\Incidents-console\ and dist\Incidents-console-<version>.zip for the console build).
setlocal
chcp 65001 >nul
cd /d "%~dp0.."
set NAME=Incidents
set INCIDENTS_CONSOLE=
if /i "%~1"=="console" set INCIDENTS_CONSOLE=1
if /i "%~1"=="console" set NAME=Incidents-console

if not exist .venv\Scripts\python.exe (
    py -3 -c "import sys; sys.exit(sys.version_info < (3, 11))" || (echo Нужен Python 3.11 или новее: https://www.python.org/downloads/windows/ & exit /b 2)
    py -3 -m venv .venv || exit /b 1
)
.venv\Scripts\python -m pip install -q --upgrade pip || exit /b 1
.venv\Scripts\python -m pip install -q -e .[build] || exit /b 1
.venv\Scripts\python -m PyInstaller --noconfirm installer.spec || exit /b 1

for /f "usebackq delims=" %%v in (`.venv\Scripts\python -c "import app; print(app.__version__)"`) do set VERSION=%%v
powershell -NoProfile -Command "Compress-Archive -Force -Path 'dist\%NAME%' -DestinationPath 'dist\%NAME%-%VERSION%.zip'" || exit /b 1
echo.
echo Готово: dist\%NAME%\Incidents.exe и архив dist\%NAME%-%VERSION%.zip
